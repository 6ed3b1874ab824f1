import { type ChildProcess, spawn } from "node:child_process";
import { afterEach } from "vitest";
import type { RunningProcess } from "../../support/processes.ts";

/**
 * Starts an executable (a packaged wrapper) with exactly `env` (and PATH), in its own process group;
 * every group still running is killed after each test.
 */
export function useUnpackedProcesses() {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      running.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            try {
              process.kill(-(c.pid as number), "SIGKILL");
            } catch {
              c.kill("SIGKILL");
            }
          }),
      ),
    );
  });
  return (file: string, args: string[], env: Record<string, string>): RunningProcess => {
    // PATH without node_modules/.bin: the packaged programs must not find the development Node.
    const child = spawn(file, args, {
      cwd: "/",
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp", ...env },
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
