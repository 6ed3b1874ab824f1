import { request } from "undici";
import { annotateSpan } from "../../../shared/telemetry/tracer.ts";

/** Answers are read up to this size: enough for any error text, bounded against a hostile receiver. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  /** The Retry-After header, when present. */
  retryAfter: string | undefined;
  /** The body as text, cut at 64 KiB. */
  text: string;
}

/**
 * POSTs a body and reads the answer. Throws only for transport problems (refused, reset, timed
 * out, aborted); every HTTP status is an answer. Redirects are not followed: a webhook that
 * redirects is misconfigured, and following would resend the body to wherever it points.
 */
export async function postBody(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { signal: AbortSignal; timeoutMs: number },
): Promise<HttpAnswer> {
  const res = await request(url, {
    method: "POST",
    headers,
    body,
    signal: options.signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
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
  // On the delivery attempt's span (hub/notify/delivery/dispatcher.ts), when tracing is on.
  annotateSpan({ "http.response.status_code": res.statusCode });
  const ra = res.headers["retry-after"];
  return { status: res.statusCode, retryAfter: Array.isArray(ra) ? ra[0] : ra, text: Buffer.concat(chunks).toString("utf8") };
}

/** Why a request got no answer, in a few words: the system code (ECONNREFUSED) or the timeout. */
export function transportReason(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === "TimeoutError" || (e as { code?: unknown }).code === "UND_ERR_HEADERS_TIMEOUT") return "timed out";
    if (e.name === "AbortError") return "aborted";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return err instanceof Error ? err.message : String(err);
}
