import type { SendResult } from "../../../shared/http/delivery.ts";
import { type HttpAnswer } from "../http/post-json.ts";
import { resultOfAnswer } from "../http/http-result.ts";

/** Error codes Slack may send with a 2xx status that still mean "try again later". */
const RETRYABLE_CODES = new Set(["rate_limited", "service_unavailable", "request_timeout", "rollup_error"]);

/**
 * Reads Slack's answer to an incoming-webhook post. Slack answers `200 ok` on success and an error
 * code as plain text otherwise (`400 invalid_blocks`, `404 channel_not_found`, `410 channel_is_archived`,
 * `429 rate_limited`), but an error code may also come with a 200, and Slack-compatible receivers
 * answer JSON (`{"ok":false,"error":"..."}`): a 2xx is success only when the body does not say otherwise.
 */
export function slackResult(answer: HttpAnswer, nowMs: number): SendResult {
  if (answer.status < 200 || answer.status > 299) return resultOfAnswer("Slack", answer, nowMs);
  const error = errorInBody(answer.text.trim());
  if (error === undefined) return { kind: "success" };
  const reason = `Slack answered ${answer.status} with error "${error}"`;
  return RETRYABLE_CODES.has(error) ? { kind: "retryable", reason } : { kind: "failure", reason };
}

/** The error a 2xx body carries, if any: a bare Slack error code, or JSON with `ok: false`. */
function errorInBody(text: string): string | undefined {
  if (text === "" || text === "ok") return undefined;
  if (text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as { ok?: unknown; error?: unknown };
      if (json.ok === false) return typeof json.error === "string" ? json.error : "ok: false";
    } catch {
      // Not JSON after all: judged as text below.
    }
    return undefined;
  }
  // A lone snake_case word other than "ok" is how Slack names its errors (invalid_payload, no_text, ...).
  return /^[a-z][a-z0-9_]{1,63}$/.test(text) ? text : undefined;
}
