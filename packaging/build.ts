import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianArch, debianVersion } from "./deb-version.ts";
import { LEFT_OUT_PACKAGES, productionClosure } from "./node-modules.ts";
import { PACKAGES, type Program } from "./package-specs.ts";
import { run } from "./run.ts";
import { type BuildInputs, stagePackage } from "./stage.ts";

export type Compression = "xz" | "zstd" | "gzip" | "none";

export interface BuildOptions {
  /** The project's root (package.json, node_modules). */
  root: string;
  outDir: string;
  /** xz by default: the smallest, and what every dpkg reads. */
  compression?: Compression;
  level?: number;
  programs?: readonly Program[];
  /** Unix seconds for the changelog date and the archive's timestamps (SOURCE_DATE_EPOCH). */
  sourceDateEpoch?: number;
  /** Keep the staging trees (for inspection) instead of deleting them. */
  keepStaging?: boolean;
  log?: (line: string) => void;
}

export interface BuiltPackage {
  program: Program;
  name: string;
  version: string;
  arch: string;
  file: string;
  bytes: number;
  installedSizeKiB: number;
}

/** Who the packages name as maintainer, until package.json has an author. */
const DEFAULT_MAINTAINER = "Vigil maintainers <vigil@example.org>";

/**
 * Builds vigil-agent_<version>_<arch>.deb and vigil-hub_<version>_<arch>.deb into `outDir`:
 * compiles the sources afresh (tsc into a temporary folder, so a stale dist/ never ships), stages
 * each package's tree and packs it with `dpkg-deb --root-owner-group` (no fakeroot needed).
 */
export async function buildDebs(o: BuildOptions): Promise<BuiltPackage[]> {
  const log = o.log ?? (() => {});
  const root = realpathSync(o.root);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
    license?: string;
    author?: string;
    bin?: Record<string, string>;
  };
  const { nodeDir, nodeArch } = findNodeRuntime(root);
  const nodeVersion = (JSON.parse(readFileSync(join(nodeDir, "package.json"), "utf8")) as { version: string }).version;
  const work = mkdtempSync(join(tmpdir(), "vigil-package-"));
  try {
    log(`compiling with tsc into ${work}/dist`);
    await run(process.execPath, [
      join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(root, "tsconfig.build.json"),
      "--outDir",
      join(work, "dist"),
      "--sourceMap",
      "false",
    ]);
    const closure = (await productionClosure(root)).filter((p) => LEFT_OUT_PACKAGES[p.name] === undefined);
    log(`production modules: ${closure.map((p) => p.name).join(", ")}`);
    const addonTarget = `linux-${nodeArch}`;
    const inputs: BuildInputs = {
      root,
      compiledDir: join(work, "dist"),
      version: pkg.version,
      debVersion: debianVersion(pkg.version),
      arch: debianArch(nodeArch),
      addonTarget,
      license: pkg.license ?? "MIT",
      bin: pkg.bin ?? {},
      maintainer: pkg.author ?? DEFAULT_MAINTAINER,
      nodeDir,
      nodeVersion,
      closure,
      shlibDepends: await shlibDepends(work, [
        join(nodeDir, "bin", "node"),
        join(root, "node_modules", "better-sqlite3", "prebuilds", `${addonTarget}.node`),
      ]),
      date: new Date((o.sourceDateEpoch ?? Math.floor(Date.now() / 1000)) * 1000),
    };
    mkdirSync(o.outDir, { recursive: true });
    const compression = o.compression ?? "xz";
    return await Promise.all(
      (o.programs ?? (["agent", "hub"] as const)).map(async (program) => {
        const spec = PACKAGES[program];
        const stage = join(work, spec.name);
        const installedSizeKiB = await stagePackage(spec, inputs, stage);
        const file = join(o.outDir, `${spec.name}_${inputs.debVersion}_${inputs.arch}.deb`);
        log(`packing ${file} (${compression}${o.level === undefined ? "" : ` -${o.level}`})`);
        const args = ["--root-owner-group", `-Z${compression}`, ...(o.level === undefined ? [] : [`-z${o.level}`]), "--build", stage, file];
        const env = { ...process.env, SOURCE_DATE_EPOCH: String(Math.floor(inputs.date.getTime() / 1000)) };
        await run("dpkg-deb", args, { env, timeoutMs: 30 * 60_000 });
        if (o.keepStaging) writeFileSync(join(o.outDir, `${spec.name}.staging`), `${stage}\n`);
        return {
          program,
          name: spec.name,
          version: inputs.debVersion,
          arch: inputs.arch,
          file,
          bytes: statSync(file).size,
          installedSizeKiB,
        };
      }),
    );
  } finally {
    if (!o.keepStaging) rmSync(work, { recursive: true, force: true });
  }
}

/** The pinned Node runtime (devDependency node-linux-<arch>) and its architecture. */
export function findNodeRuntime(root: string): { nodeDir: string; nodeArch: string } {
  const modules = join(root, "node_modules");
  const found = readdirSync(modules).filter((d) => /^node-linux-[a-z0-9]+$/.test(d) && existsSync(join(modules, d, "bin", "node")));
  const [first, ...rest] = found;
  if (first === undefined || rest.length > 0) {
    throw new Error(
      `expected exactly one Node runtime package node_modules/node-linux-<arch> (run npm ci), found ${found.length === 0 ? "none" : found.join(", ")}`,
    );
  }
  return { nodeDir: join(modules, first), nodeArch: first.slice("node-linux-".length) };
}

/**
 * The Depends of the shared libraries the binaries need, as dpkg-shlibdeps computes them from the
 * system's symbol files (libc6 and libstdc++6 versions). dpkg-shlibdeps reads ./debian/control, so
 * it runs in a folder made for it; its warnings about N-API symbols (provided by Node itself) are noise.
 */
async function shlibDepends(work: string, binaries: readonly string[]): Promise<string[]> {
  const dir = join(work, "shlibdeps");
  mkdirSync(join(dir, "debian"), { recursive: true });
  writeFileSync(join(dir, "debian", "control"), "Source: vigil\n\nPackage: vigil\nArchitecture: any\n");
  const out = await run("dpkg-shlibdeps", ["-O", "--warnings=0", ...binaries], { cwd: dir });
  const line = out.split("\n").find((l) => l.startsWith("shlibs:Depends="));
  if (line === undefined) throw new Error(`dpkg-shlibdeps printed no shlibs:Depends line:\n${out}`);
  return line
    .slice("shlibs:Depends=".length)
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
}
