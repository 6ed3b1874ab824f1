import type { Secret } from "../../shared/config/secret.ts";
import { classifyHttpStatus, parseRetryAfter, type SendResult } from "../../shared/http/delivery.ts";
import type { OutboxBatch } from "../store/outbox.ts";
import { errorDetail, parseJson, readIngestAck } from "./hub-answers.ts";
import { httpPost } from "./http-post.ts";

export interface HubTarget {
  /** Base URL of the hub, e.g. http://127.0.0.1:9470 */
  url: string;
  token: Secret | undefined;
  timeoutMs: number;
}

/** A send outcome; `failure` with `reject` means the hub will never accept this batch (it is invalid). */
export type BatchSendResult = SendResult & { status?: number; reject?: boolean; duplicate?: boolean };

/**
 * POSTs one sealed batch (already gzip-compressed) to the hub's ingest endpoint and classifies the
 * answer with the shared HTTP classifier. It never throws; network errors are retryable.
 */
export async function sendBatch(target: HubTarget, batch: OutboxBatch, now: () => number = Date.now): Promise<BatchSendResult> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-encoding": "gzip",
  };
  if (target.token) headers.authorization = `Bearer ${target.token.reveal()}`;
  let status: number;
  let text: string;
  let retryAfter: string | undefined;
  try {
    const res = await httpPost(
      new URL("api/v1/ingest", target.url.endsWith("/") ? target.url : `${target.url}/`),
      headers,
      batch.body,
      target.timeoutMs,
    );
    status = res.status;
    const ra = res.headers["retry-after"];
    retryAfter = Array.isArray(ra) ? ra[0] : ra;
    text = res.body;
  } catch (err) {
    const e = err as Error & { code?: string };
    return { kind: "retryable", reason: `cannot reach the hub at ${target.url}: ${e.code ?? e.name}: ${e.message}`, error: err };
  }

  const decision = classifyHttpStatus(status);
  if (decision === "success") {
    const ack = readIngestAck(parseJson(text));
    if (!ack.ok || ack.value.sequence !== batch.sequence) {
      const why = ack.ok
        ? `acknowledged sequence ${ack.value.sequence}, expected ${batch.sequence}`
        : `unreadable acknowledgement (${ack.reason})`;
      return { kind: "retryable", reason: `hub answered ${status} with an ${why}`, status };
    }
    return { kind: "success", status, duplicate: ack.value.duplicate };
  }
  const detail = errorDetail(text);
  if (decision === "retryable") {
    const retryAfterMs = parseRetryAfter(retryAfter, now()) ?? undefined;
    return {
      kind: "retryable",
      reason: `hub answered ${status}${detail}`,
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  // 400/413/422 say this batch itself is unacceptable: resending it can never succeed.
  const reject = status === 400 || status === 413 || status === 422;
  return { kind: "failure", reason: `hub answered ${status}${detail}`, status, reject };
}
