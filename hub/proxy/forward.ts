import { Readable } from "node:stream";
import { request } from "undici";
import { ApiError } from "../../shared/http/api-error.ts";
import { transportFailure } from "../failover/checks/http-request.ts";
import { clientResponseHeaders } from "./hop-headers.ts";

export interface ForwardOptions {
  /** Headers for the member (upstreamRequestHeaders). */
  headers: Record<string, string>;
  /** Longest wait for the response headers, and between two chunks of the body. */
  timeoutMs: number;
  /** Named in errors: "ollama-gpu (http://127.0.0.1:11434/)". */
  memberLabel: string;
}

const NO_BODY_STATUS = new Set([204, 205, 304]);

/**
 * Sends the client's request to `url` and answers with the member's response, both bodies streamed
 * through without buffering (an Ollama generation arrives as NDJSON, one line per token; the client
 * sees each line as the member sends it). The client's disconnect (the request's signal, which
 * @hono/node-server aborts) cancels the upstream request. Failing to reach the member is a 502, no
 * headers in time a 504, both with the JSON error body of the API.
 */
export async function forward(req: Request, url: URL, o: ForwardOptions): Promise<Response> {
  const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: req.method as "GET",
      headers: o.headers,
      body: hasBody ? Readable.fromWeb(req.body as import("node:stream/web").ReadableStream) : null,
      signal: req.signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
    });
  } catch (err) {
    const reason = transportFailure(err);
    if (reason === "no answer in time") {
      throw new ApiError(504, "FAILOVER_UPSTREAM_TIMEOUT", `${o.memberLabel} sent no response headers within ${o.timeoutMs} ms`);
    }
    throw new ApiError(502, "FAILOVER_UPSTREAM_FAILED", `${o.memberLabel} did not answer: ${reason}`);
  }
  const headers = clientResponseHeaders(res.headers);
  if (req.method === "HEAD" || NO_BODY_STATUS.has(res.statusCode)) {
    res.body.resume();
    return new Response(null, { status: res.statusCode, headers });
  }
  const body = Readable.toWeb(res.body) as ReadableStream<Uint8Array>;
  return new Response(body, { status: res.statusCode, headers });
}
