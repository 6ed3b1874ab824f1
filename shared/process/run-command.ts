import { execFile } from "node:child_process";

export interface RunCommandOptions {
  /** Killed (SIGKILL) when this passes; a hung driver must never hang the agent. */
  timeoutMs: number;
  /** The collector's cycle signal: aborting it kills the process too. */
  signal?: AbortSignal;
  /** Most bytes of stdout kept; more is an error, not a silent truncation. Default 8 MiB. */
  maxBufferBytes?: number;
  /** Exit codes that still mean "here is the output" (`systemctl is-failed` exits 1 when none failed). */
  okExitCodes?: readonly number[];
  env?: NodeJS.ProcessEnv;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The executable does not exist or may not be run: the collector reports itself unavailable. */
export class CommandUnavailableError extends Error {
  override readonly name = "CommandUnavailableError";
}

/** The command ran and failed: timed out, killed, or exited with a code not in okExitCodes. */
export class CommandFailedError extends Error {
  override readonly name = "CommandFailedError";
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

const UNAVAILABLE_CODES = new Set(["ENOENT", "EACCES", "ENOTDIR"]);

/** `zpool status -p`, for messages: the argv as a user would type it (display only, never run). */
export function displayCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w./:=,@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * Runs one executable with an argument array (execFile: no shell, so nothing in an argument is
 * ever interpreted), a timeout and an abort signal, and returns its output. Every error names the
 * full command. Collectors, the config loader and systemd notification start processes through it.
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandOutput> {
  const command = displayCommand(file, args);
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      {
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        signal: options.signal,
        maxBuffer: options.maxBufferBytes ?? 8 * 1024 * 1024,
        encoding: "utf8",
        windowsHide: true,
        env: options.env,
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, stderr, exitCode: 0 });
        const err = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
        if (typeof err.code === "string" && UNAVAILABLE_CODES.has(err.code)) {
          const why = err.code === "ENOENT" ? "not found (is it installed and on PATH?)" : `cannot be run (${err.code})`;
          return reject(new CommandUnavailableError(`${file}: ${why}`));
        }
        if (err.name === "AbortError") return reject(new CommandFailedError(`${command}: aborted (the cycle timed out)`, null, stderr));
        if (err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
          return reject(
            new CommandFailedError(`${command}: printed more than ${options.maxBufferBytes ?? 8 * 1024 * 1024} bytes`, null, stderr),
          );
        }
        if (err.killed === true || (err.signal !== null && err.signal !== undefined)) {
          const why = err.killed === true ? `killed after ${options.timeoutMs} ms (timeout)` : `killed by ${err.signal}`;
          return reject(new CommandFailedError(`${command}: ${why}`, null, stderr));
        }
        const exitCode = typeof err.code === "number" ? err.code : null;
        if (exitCode !== null && okExitCodes.includes(exitCode)) return resolve({ stdout, stderr, exitCode });
        const detail = firstLine(stderr) ?? firstLine(stdout) ?? err.message;
        reject(new CommandFailedError(`${command}: exited with ${exitCode ?? "an error"}: ${detail}`, exitCode, stderr));
      },
    );
  });
}

function firstLine(text: string): string | undefined {
  const line = text.trim().split("\n", 1)[0]?.trim();
  return line === undefined || line === "" ? undefined : line.slice(0, 300);
}
