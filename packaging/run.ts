import { execFile } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) past this; compressing a package can take minutes on a busy machine. */
  timeoutMs?: number;
}

/**
 * Runs a build tool with an argument array (execFile: no shell) and returns its stdout. A failure
 * names the whole command and its first stderr lines. The packaging is build tooling, not product
 * code, so it has its own small runner: it needs a working directory (dpkg-shlibdeps reads
 * ./debian/control), which the agent's runCommand has no reason to offer.
 */
export function run(file: string, args: readonly string[], o: RunOptions = {}): Promise<string> {
  const command = [file, ...args].join(" ");
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd: o.cwd, env: o.env, timeout: o.timeoutMs ?? 600_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const detail = (stderr.trim() || stdout.trim() || error.message).split("\n").slice(0, 20).join("\n");
        reject(
          new Error(
            `${command}: ${error.killed === true ? "killed at the timeout" : `failed (${String(error.code ?? error.signal)})`}:\n${detail}`,
          ),
        );
      },
    );
  });
}
