import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "../../support/processes.ts";

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool (argv, no shell) and resolves with what it printed and its exit code, failing or not. */
export function runTool(
  file: string,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: o.env, cwd: o.cwd, timeout: o.timeoutMs ?? 120_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Like runTool, but a non-zero exit is an error naming the command and what it printed. */
export async function mustRun(
  file: string,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<string> {
  const r = await runTool(file, args, o);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface BuiltDebs {
  agent: string;
  hub: string;
  /** What `npm run package` printed, one line per package. */
  report: string;
}

/**
 * Builds both packages with the packaging's own entry point (what `npm run package` runs), into
 * `outDir`. gzip -1 instead of the release's xz -6: the same trees in a minute less of CPU.
 */
export async function buildDebsForTest(outDir: string): Promise<BuiltDebs> {
  const report = await mustRun(
    process.execPath,
    [join(ROOT, "packaging", "build-debs.ts"), "--out", outDir, "--compression", "gzip", "--level", "1"],
    { timeoutMs: 8 * 60_000 },
  );
  const files = readdirSync(outDir).filter((f) => f.endsWith(".deb"));
  const find = (name: string) => {
    const file = files.find((f) => f.startsWith(`${name}_`));
    if (file === undefined) throw new Error(`no ${name} package in ${outDir}: ${files.join(", ")}`);
    return join(outDir, file);
  };
  return { agent: find("vigil-agent"), hub: find("vigil-hub"), report };
}

/** `dpkg-deb --contents` as {mode, owner, size, path} rows, paths without the leading "." */
export async function debContents(deb: string): Promise<Array<{ mode: string; owner: string; size: number; path: string }>> {
  const out = await mustRun("dpkg-deb", ["--contents", deb]);
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [mode = "", owner = "", size = "0", , , ...rest] = line.split(/\s+/);
      return { mode, owner, size: Number(size), path: rest.join(" ").replace(/^\./, "").split(" -> ")[0] ?? "" };
    });
}

/**
 * A copy of a /usr/bin wrapper from an unpacked root that runs the unpacked files: the wrapper names
 * /usr/lib/vigil/... absolutely, as installed, so the copy points those paths into `root`. The rest
 * of it (the flags, the script) is the packaged wrapper's own text.
 */
export function relocatedWrapper(root: string, installedPath: string): string {
  const text = readFileSync(join(root, installedPath), "utf8");
  const out = join(root, "relocated", installedPath.replaceAll("/", "_"));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text.replaceAll("/usr/lib/vigil/", `${root}/usr/lib/vigil/`));
  chmodSync(out, 0o755);
  return out;
}

/**
 * The host's own unit files (targets, sockets...) copied into `root`, so that
 * `systemd-analyze verify --root` finds what our units are ordered after. Regular files only:
 * links to absolute paths would point outside the root.
 */
export function copyHostUnits(root: string): void {
  const dest = join(root, "lib", "systemd", "system");
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync("/usr/lib/systemd/system")) {
    const src = join("/usr/lib/systemd/system", name);
    if (statSync(src).isFile()) copyFileSync(src, join(dest, name));
  }
}

/** An executable in the root standing for a program of another package that a unit names. */
export function fakeExecutable(root: string, path: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
}
