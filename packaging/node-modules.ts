import { cpSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { run } from "./run.ts";

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's folder, relative to the project root: node_modules/@hono/node-server. */
  dir: string;
  /** Its command-line scripts (package.json "bin"), relative to its folder: never run from a Vigil package. */
  bins: string[];
}

/** Production dependencies that nothing loads at run time, left out with the reason. */
export const LEFT_OUT_PACKAGES: Readonly<Record<string, string>> = {
  "node-addon-api": "C++ headers to compile better-sqlite3, which ships compiled",
  // protobufjs (under the OTLP exporter's @grpc/grpc-js) lists it as a dependency for its own .d.ts files.
  "@types/node": "TypeScript declarations only: nothing to run",
};

/**
 * The production dependency closure as installed in node_modules, from npm itself
 * (`npm ls --omit=dev --parseable --all`): what `npm ci --omit=dev` would install, without a
 * second install or a network. npm fails here when node_modules does not match the lockfile.
 */
export async function productionClosure(root: string): Promise<BundledPackage[]> {
  const out = await run("npm", ["ls", "--omit=dev", "--parseable", "--all", "--prefix", root], { timeoutMs: 120_000 });
  const dirs = out
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== root);
  return dirs.map((abs) => {
    const pkg = JSON.parse(readFileSync(join(abs, "package.json"), "utf8")) as {
      name?: string;
      version?: string;
      license?: unknown;
      bin?: unknown;
    };
    const dir = relative(root, abs).split(sep).join("/");
    if (!dir.startsWith("node_modules/")) throw new Error(`npm ls listed ${abs}, outside ${root}/node_modules`);
    const bins = typeof pkg.bin === "string" ? [pkg.bin] : pkg.bin !== null && typeof pkg.bin === "object" ? Object.values(pkg.bin) : [];
    return {
      name: pkg.name ?? dir,
      version: pkg.version ?? "?",
      license: typeof pkg.license === "string" ? pkg.license : "see its LICENSE file",
      dir,
      bins: bins.filter((b): b is string => typeof b === "string").map((b) => b.replace(/^\.\//, "")),
    };
  });
}

/**
 * Files of the closure that never run and are left out: type declarations, source maps, dotfiles
 * (.npmignore), the package's own command-line scripts, and what better-sqlite3 carries to compile
 * itself (its SQLite sources, 10 MB) or for other platforms (seven prebuilt binaries of about 2 MB).
 * `path` is relative to the package's folder, with "/".
 */
export function isPruned(pkg: Pick<BundledPackage, "name" | "bins">, path: string, target: string): boolean {
  const packageName = pkg.name;
  if (/\.d\.[cm]?ts$/.test(path) || path.endsWith(".map") || /(^|\/)\.[^/]+$/.test(path) || pkg.bins.includes(path)) return true;
  if (packageName === "better-sqlite3") {
    if (path === "deps" || path.startsWith("deps/") || path === "src" || path.startsWith("src/") || path === "binding.gyp") return true;
    const prebuild = /^prebuilds\/(.+)\.node$/.exec(path);
    if (prebuild && prebuild[1] !== target) return true;
  }
  return false;
}

/**
 * Copies the closure into `<dest>/node_modules`, each package without its own nested node_modules
 * (those nested packages that are production dependencies are in the closure themselves).
 * `target` is the platform of the prebuilt addons kept, e.g. linux-x64.
 */
export function copyClosure(root: string, packages: readonly BundledPackage[], dest: string, target: string): void {
  for (const p of packages) {
    const src = join(root, p.dir);
    cpSync(src, join(dest, p.dir), {
      recursive: true,
      filter: (from) => {
        const rel = relative(src, from).split(sep).join("/");
        if (rel === "") return true;
        return rel !== "node_modules" && !rel.startsWith("node_modules/") && !isPruned(p, rel, target);
      },
    });
    removeEmptyDirs(join(dest, p.dir));
  }
}

/** Folders left empty by the pruning (hono's dist/types/...) go too. Returns whether `dir` went. */
function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !removeEmptyDirs(join(dir, entry.name))) empty = false;
  }
  if (empty) rmdirSync(dir);
  return empty;
}
