import { nodeHttp } from "../../http/node-builtins.ts";
import { CommandFailedError, type CommandOutput, displayCommand, runCommand } from "../../../shared/process/run-command.ts";

/**
 * Everything the containers collector reads from outside the process goes through this file: the
 * Docker Engine API on a unix socket, and the nerdctl executable.
 */

/** The runtime cannot be used on this host: no socket, no daemon behind it, no permission. Said once, retried. */
export class RuntimeUnavailableError extends Error {
  override readonly name = "RuntimeUnavailableError";
}

export interface EngineResponse {
  status: number;
  body: string;
}

/** A list of a few thousand containers is well under this; more is an error, not a truncated answer. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Why connecting to an API socket failed, when the cause is the host and not the request. */
const SOCKET_UNAVAILABLE: Record<string, (socket: string) => string> = {
  ENOENT: (s) => `${s} does not exist (is the daemon installed and running?)`,
  ECONNREFUSED: (s) => `nothing is listening on ${s} (is the daemon running?)`,
  EACCES: (s) => `permission denied on ${s} (the agent's user needs the socket's group, e.g. docker)`,
  EPERM: (s) => `permission denied on ${s} (the agent's user needs the socket's group, e.g. docker)`,
  ENOTSOCK: (s) => `${s} is not a socket`,
};

/**
 * GET one path of the Docker Engine API (Docker, or Podman's compatible API) on a unix socket.
 *
 * node:http, not undici: the issue asked for undici with a socket path, but undici parses HTTP in
 * WebAssembly and the agent runs V8 in lite mode, which has no WebAssembly at all (checked on Node
 * 24.21: undici fails with ERR_WEBASSEMBLY_NOT_SUPPORTED). node:http takes `socketPath` and parses
 * with the native llhttp. `agent: false` opens one connection per request and keeps none idle: a
 * few dozen unix-socket connects per cycle cost nothing, and nothing lingers between cycles. Loaded
 * with getBuiltinModule, not imported, to keep undici out of the agent (agent/http/node-builtins.ts).
 * Rejects with the signal's reason (an Error) when it aborts.
 */
export function engineGet(socketPath: string, path: string, signal: AbortSignal): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const what = `GET ${path}`;
    if (signal.aborted) return reject(abortError(what, signal));
    const req = nodeHttp().request(
      { socketPath, path, method: "GET", headers: { host: "localhost", accept: "application/json" }, agent: false, signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) return req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (err) => reject(signal.aborted ? abortError(what, signal) : err));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return reject(abortError(what, signal));
      const unavailable = err.code === undefined ? undefined : SOCKET_UNAVAILABLE[err.code];
      reject(unavailable ? new RuntimeUnavailableError(unavailable(socketPath)) : new Error(`${what} on ${socketPath}: ${err.message}`));
    });
    req.end();
  });
}

function abortError(what: string, signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return new Error(`${what}: ${reason instanceof Error ? reason.message : "aborted"}`);
}

/**
 * stderr of a nerdctl that could not reach containerd: run as a user who may not use the root
 * socket, nerdctl looks for a rootless containerd. That is this host's setup, not a failed cycle.
 */
const CONTAINERD_UNREACHABLE = /permission denied|rootless containerd not running/i;

export interface NerdctlRun {
  timeoutMs: number;
  signal: AbortSignal;
  /** Exit codes that still carry output: `inspect` of several ids exits 1 when one was removed meanwhile. */
  okExitCodes?: readonly number[];
}

/** Runs nerdctl through runCommand; a nerdctl that cannot reach containerd is "unavailable", with its own words. */
export async function runNerdctl(binary: string, args: readonly string[], run: NerdctlRun): Promise<CommandOutput> {
  try {
    return await runCommand(binary, args, { timeoutMs: run.timeoutMs, signal: run.signal, okExitCodes: run.okExitCodes });
  } catch (err) {
    if (err instanceof CommandFailedError && CONTAINERD_UNREACHABLE.test(err.stderr)) {
      const line = err.stderr.trim().split("\n", 1)[0]?.slice(0, 300) ?? "";
      throw new RuntimeUnavailableError(`${displayCommand(binary, args.slice(0, 3))}: cannot reach containerd: ${line}`);
    }
    throw err;
  }
}
