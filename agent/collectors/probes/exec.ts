import { stat } from "node:fs/promises";
import { connect } from "node:net";
import { basename } from "node:path";
import { nodeHttp, nodeHttps } from "../../http/node-builtins.ts";
import { CommandFailedError, CommandUnavailableError, runCommand } from "../../../shared/process/run-command.ts";
import { ProbeFailure } from "./probe-result.ts";

export interface HttpCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Body bytes kept; the download stops there. */
  maxBodyBytes: number;
}

export interface HttpAnswer {
  status: number;
  /** At most `maxBodyBytes` bytes. */
  body: Buffer;
  /** True when the server sent more than `maxBodyBytes` (the rest was not read). */
  truncated: boolean;
}

/**
 * Everything the probes do to the outside world. This file is the only one of the collector that
 * opens connections, reads files or runs programs; tests stand real servers and fake executables
 * behind it. Every call rejects with the signal's reason when `signal` aborts, and with a
 * ProbeFailure (refused, error) when the target fails; it never waits past the signal.
 */
export interface ProbeIo {
  http(call: HttpCall, signal: AbortSignal): Promise<HttpAnswer>;
  tcpConnect(host: string, port: number, signal: AbortSignal): Promise<void>;
  /** The file's modification time in ms since the epoch. */
  fileMtimeMs(path: string, signal: AbortSignal): Promise<number>;
  /** Runs argv (no shell) and returns its standard output. */
  command(argv: readonly string[], timeoutMs: number, signal: AbortSignal): Promise<string>;
}

/** Most bytes a timestamp command may print: a timestamp is a line, not a log. */
const COMMAND_MAX_OUTPUT_BYTES = 64 * 1024;

export function createProbeIo(): ProbeIo {
  /**
   * stat() on a hung network mount blocks a libuv thread until the server answers; an abort only
   * stops our waiting. A path still waiting is not asked again, so hung calls never pile up.
   */
  const pendingStats = new Set<string>();
  return {
    http: (call, signal) => untilAborted(httpExchange(call, signal), signal),
    tcpConnect,
    async fileMtimeMs(path, signal) {
      if (pendingStats.has(path)) throw new ProbeFailure("error", `stat ${path}: the previous call has not returned yet`);
      pendingStats.add(path);
      const call = stat(path).finally(() => pendingStats.delete(path));
      try {
        return (await untilAborted(call, signal)).mtimeMs;
      } catch (err) {
        if (signal.aborted) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (err as Error).message;
        throw new ProbeFailure("error", `${path}: ${why}`);
      }
    },
    async command(argv, timeoutMs, signal) {
      const [file, ...args] = argv;
      if (file === undefined) throw new ProbeFailure("error", "no command given");
      try {
        return (await runCommand(file, args, { timeoutMs, signal, maxBufferBytes: COMMAND_MAX_OUTPUT_BYTES })).stdout;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (err instanceof CommandUnavailableError || err instanceof CommandFailedError) {
          // Messages are cut to 64 characters: name the program by its base name, not a long path.
          throw new ProbeFailure("error", err.message.replace(file, basename(file)));
        }
        throw err;
      }
    },
  };
}

/**
 * One request with node's built-in client: the agent runs in V8 lite mode, without WebAssembly, so
 * undici (whose HTTP parser is WebAssembly) cannot run there (see agent/transport/http-post.ts). A
 * new connection each time (`agent: false`): a probe measures what a new client would get, and an
 * idle kept-alive socket to every target would only cost memory. node:https (TLS) is loaded on the
 * first https probe only (agent/http/node-builtins.ts).
 */
function httpExchange(call: HttpCall, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(call.url);
    const send = url.protocol === "https:" ? nodeHttps().request : nodeHttp().request;
    let settled = false;
    const headers = call.body === undefined ? call.headers : { "content-length": String(Buffer.byteLength(call.body)), ...call.headers };
    const req = send(url, { method: call.method, headers, agent: false, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (truncated: boolean) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), truncated });
      };
      res.on("data", (chunk: Buffer) => {
        const room = call.maxBodyBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          finish(true);
          // Stop downloading: a probe never holds more than maxBodyBytes of anyone's answer.
          req.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () => finish(false));
      res.on("error", (err) => fail(err));
    });
    const fail = (err: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      if (signal.aborted) reject(signal.reason);
      else if (err.code === "ECONNREFUSED") reject(new ProbeFailure("refused", err.message));
      else reject(new ProbeFailure("error", err.message === "" ? (err.code ?? err.name) : err.message));
    };
    req.on("error", fail);
    req.end(call.body);
  });
}

function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = connect({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err: Error & { code?: string }) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(new ProbeFailure(err.code === "ECONNREFUSED" ? "refused" : "error", err.message));
    });
  });
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
