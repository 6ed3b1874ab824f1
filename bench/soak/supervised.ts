/**
 * A child process the soak starts, kills on purpose and restarts: each exit is recorded, and one the
 * suite did not cause (no kill -9 of ours, no stop at the end) counts as a crash. Every child is its
 * own process group, so the final cleanup takes anything it started with it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

export interface ExitRecord {
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  /** Killed or stopped by the suite. */
  expected: boolean;
  atMs: number;
}

export class Supervised {
  readonly name: string;
  readonly #args: string[];
  readonly #log: WriteStream;
  readonly #exits: ExitRecord[];
  #child: ChildProcess | undefined;
  #expectExit = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(name: string, args: string[], logFile: string, exits: ExitRecord[]) {
    this.name = name;
    this.#args = args;
    this.#log = createWriteStream(logFile, { flags: "a" });
    this.#exits = exits;
  }

  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  start(): void {
    const child = spawn(process.execPath, this.#args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.#child = child;
    this.#expectExit = false;
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exits.push({ name: this.name, pid: child.pid ?? -1, code, signal, expected: this.#expectExit, atMs: Date.now() });
        resolve();
      });
    });
  }

  /** Resolves when the current incarnation has exited. */
  exited(): Promise<void> {
    return this.#exited;
  }

  /** kill -9 of the process group, as a power cut of that program would be. */
  async kill9(): Promise<void> {
    await this.#signal("SIGKILL");
  }

  /** A graceful stop (SIGTERM), then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.pid === undefined) return;
    const timer = setTimeout(() => void this.#signal("SIGKILL"), graceMs);
    await this.#signal("SIGTERM");
    clearTimeout(timer);
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    this.#expectExit = true;
    try {
      process.kill(-pid, signal);
    } catch {
      this.#child?.kill(signal);
    }
    await this.#exited;
  }
}
