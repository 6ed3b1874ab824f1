import { request } from "undici";
import type { Secret } from "../../../shared/config/secret.ts";

/** Check answers are small (a version, a model list); more than this is read no further. */
const MAX_ANSWER_BYTES = 256 * 1024;

export interface CheckAnswer {
  status: number;
  /** The body as text, cut at 256 KiB. */
  text: string;
}

export interface CheckRequest {
  method: "GET" | "HEAD" | "POST";
  headers: Readonly<Record<string, Secret>>;
  body?: string;
  signal: AbortSignal;
}

/**
 * One request of a health check, with undici (the hub runs without V8 lite mode, so its
 * WebAssembly parser is available). Throws only for transport problems; every status is an answer.
 * Redirects are not followed: a member that redirects its health endpoint is misconfigured.
 */
export async function checkRequest(url: URL, o: CheckRequest): Promise<CheckAnswer> {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "vigil-hub-failover" };
  for (const [name, value] of Object.entries(o.headers)) headers[name.toLowerCase()] = value.reveal();
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await request(url, { method: o.method, headers, ...(o.body === undefined ? {} : { body: o.body }), signal: o.signal });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    if (size + buf.length > MAX_ANSWER_BYTES) {
      chunks.push(buf.subarray(0, MAX_ANSWER_BYTES - size));
      res.body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") };
}

/** Short reasons for the transport failures a check meets; others show the error's own message. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no answer in time",
  UND_ERR_BODY_TIMEOUT: "the body stalled",
};

/** Why a request got no answer, in a few words. */
export function transportFailure(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === "TimeoutError") return "timed out";
    if (e.name === "AbortError") return "aborted";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return REASONS[code] ?? code;
  }
  return err instanceof Error ? err.message : String(err);
}

/** `url` joined with a path under it: http://h:8000/base + v1/models = http://h:8000/base/v1/models. */
export function under(base: string, path: string): URL {
  const u = new URL(base);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return new URL(path.replace(/^\//, ""), u);
}
