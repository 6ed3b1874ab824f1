import type { SendResult } from "../../../shared/http/delivery.ts";

/** nodemailer's codes for problems that another try cannot fix: credentials, TLS, addresses, the message itself. */
const PERMANENT_CODES = new Set(["EAUTH", "ETLS", "EENVELOPE", "EMESSAGE"]);

/**
 * What a failed nodemailer send means for delivery. SMTP says it in the reply code: 4xx is a
 * temporary refusal (greylisting, a full queue) and worth retrying, 5xx is permanent (unknown
 * recipient, relaying denied, bad credentials). Connection trouble is retryable; a failed TLS
 * handshake or login is a configuration problem, so a failure.
 */
export function smtpFailure(err: unknown, server: string): SendResult {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const reply = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const text = typeof e.response === "string" ? e.response : typeof e.message === "string" ? e.message : String(err);
  const reason = `SMTP server ${server}${reply !== undefined ? ` answered ${reply}` : ""}${code ? ` (${code})` : ""}: ${oneLine(text)}`;
  if (reply !== undefined)
    return reply >= 400 && reply < 500 ? { kind: "retryable", reason, error: err } : { kind: "failure", reason, error: err };
  if (code !== undefined && PERMANENT_CODES.has(code)) return { kind: "failure", reason, error: err };
  // Connection trouble (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS) and anything unknown: the server may be back later.
  return { kind: "retryable", reason, error: err };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}
