import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";

export interface ExecuteOptions {
  timeoutMs: number;
  /** Most bytes kept of stdout and of stderr each. */
  maxOutputBytes: number;
  /** PATH for the command; its environment holds nothing else but LANG. */
  path: string;
  now?: () => number;
}

export interface Execution {
  status: "succeeded" | "failed" | "timed_out";
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  startedAt: number;
  durationMs: number;
}

/** After a kill, how long to wait for grandchildren that still hold the output pipes before giving up on them. */
const PIPE_GRACE_MS = 500;

/**
 * Runs one action's argv: spawn with an argument array and no shell (nothing in an argument is ever
 * interpreted), stdin closed, cwd "/", and an environment scrubbed to PATH and LANG so nothing of the
 * agent's (its token, proxies, LD_PRELOAD) reaches the command. The command gets its own process
 * group, killed with SIGKILL at the timeout, so a wrapper's children (sudo -> systemctl) die too.
 * Output beyond the limit is dropped and flagged. Never throws: a command that cannot start is a
 * failed run whose stderr says why.
 *
 * runCommand (shared/process/run-command.ts) is not used: it throws on a non-zero exit and on too much
 * output, while an action must report its exit code and keep the first part of a long output.
 */
export function execute(argv: readonly string[], o: ExecuteOptions): Promise<Execution> {
  const now = o.now ?? Date.now;
  const startedAt = now();
  const t0 = performance.now();
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    const out = new Capture(o.maxOutputBytes);
    const err = new Capture(o.maxOutputBytes);
    let timedOut = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    let exitCode: number | null = null;
    let note: string | undefined;
    const finish = (code: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      const extra = spawnError ?? (timedOut ? `killed (SIGKILL) after the ${o.timeoutMs} ms timeout` : note);
      const stderr =
        extra === undefined ? err.text() : `${err.text()}${err.text() === "" || err.text().endsWith("\n") ? "" : "\n"}vigil: ${extra}`;
      const status = timedOut ? "timed_out" : code === 0 ? "succeeded" : "failed";
      const durationMs = Math.round((performance.now() - t0) * 10) / 10;
      resolve({
        status,
        exitCode: code,
        stdout: out.text(),
        stderr,
        outputTruncated: out.truncated || err.truncated,
        startedAt,
        durationMs,
      });
    };

    if (file === undefined) return finish(null, "empty argv");
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(file, args, {
        shell: false,
        cwd: "/",
        env: { PATH: o.path, LANG: "C.UTF-8" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        windowsHide: true,
      });
    } catch (e) {
      // An argument spawn refuses outright (a NUL byte): the catalog's checks should make this unreachable.
      return finish(null, `cannot run ${file}: ${(e as Error).message}`);
    }
    timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, o.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => out.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.add(chunk));
    child.on("error", (e: NodeJS.ErrnoException) => {
      const why = e.code === "ENOENT" ? "not found" : e.code === "EACCES" ? "permission denied" : e.message;
      finish(null, `cannot run ${file}: ${why}`);
    });
    child.on("exit", (code, signal) => {
      exitCode = code;
      if (signal !== null) note = `killed by ${signal}`;
      // Output may still be in the pipes: wait for "close", but not for a grandchild that keeps them open.
      grace = setTimeout(() => {
        killGroup(child.pid);
        finish(exitCode);
      }, PIPE_GRACE_MS);
    });
    child.on("close", () => finish(exitCode));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Keeps the first `limit` bytes of a stream and whether more came. */
class Capture {
  readonly #chunks: Buffer[] = [];
  readonly #limit: number;
  #size = 0;
  truncated = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Buffer): void {
    const room = this.#limit - this.#size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(kept);
    this.#size += kept.length;
  }

  /** The kept bytes as UTF-8; a character cut at the limit becomes U+FFFD. */
  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}
