import { classifyHttpStatus, parseRetryAfter, type SendResult } from "../../../shared/http/delivery.ts";
import type { HttpAnswer } from "./post-json.ts";

/**
 * The shared classifier applied to a receiver's answer: 2xx success; 408/425/429/5xx retryable
 * (Retry-After honoured); everything else a failure, since resending the same message cannot
 * change the answer. 401/403 are failures too: a refused credential is fixed in the config, not by
 * waiting, and a dead letter shows it at once instead of after a day of retries.
 */
export function resultOfAnswer(what: string, answer: HttpAnswer, nowMs: number): SendResult {
  const detail = answerDetail(answer.text);
  const reason = `${what} answered ${answer.status}${detail}`;
  switch (classifyHttpStatus(answer.status)) {
    case "success":
      return { kind: "success" };
    case "retryable": {
      const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs);
      return retryAfterMs === null ? { kind: "retryable", reason } : { kind: "retryable", reason, retryAfterMs };
    }
    case "auth":
      return { kind: "failure", reason: `${reason} (credentials refused)` };
    case "failure":
      return { kind: "failure", reason };
  }
}

/** The start of an answer's text, on one line, for error messages. */
export function answerDetail(text: string): string {
  const line = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return line === "" ? "" : `: ${line}`;
}
