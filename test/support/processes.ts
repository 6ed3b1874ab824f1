import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach } from "vitest";

export { freePort } from "../../shared/net/free-port.ts";

export const ROOT = join(import.meta.dirname, "..", "..");
/** The built programs, as the README's commands and the .deb run them. `npm test` builds first. */
export const DIST = join(ROOT, "dist");

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Starts `node <script>` with the given env; every process is killed after each test. */
export function useProcesses() {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      running.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            // The whole process group: a launcher's children go too, never left orphaned.
            try {
              process.kill(-(c.pid as number), "SIGKILL");
            } catch {
              c.kill("SIGKILL");
            }
          }),
      ),
    );
  });
  return (script: string, args: string[], env: Record<string, string>, cwd = ROOT): RunningProcess => {
    const child = spawn(process.execPath, [join(DIST, script), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running.push(child);
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | string>((r) => child.once("exit", (code, signal) => r(code ?? signal ?? -1)));
    return { child, output: () => out, exited };
  };
}

/** Polls `check` every `everyMs` until it returns a value, at most `timeoutMs`; then throws with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: (await res.json()) as T };
}
