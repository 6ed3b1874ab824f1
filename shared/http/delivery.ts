/**
 * Delivery decisions shared by everything that sends over HTTP and may retry: the agent's push to
 * the hub and (later) every notification channel. A sender returns a tagged result instead of
 * throwing; retrying is decided here, never inside a sender.
 */
export type SendResult =
  | { kind: "success" }
  | { kind: "failure"; reason: string; error?: unknown }
  | { kind: "retryable"; reason: string; retryAfterMs?: number; error?: unknown };

export type StatusClass = "success" | "retryable" | "auth" | "failure";

/** 2xx success; 408, 425, 429 and 5xx retryable; 401/403 an auth failure; other statuses failure. */
export function classifyHttpStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return "success";
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status < 600)) return "retryable";
  if (status === 401 || status === 403) return "auth";
  return "failure";
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. Capped at one hour. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined || header.trim() === "") return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), 3_600_000);
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of
 * many senders spread out but never collapse to zero. `attempt` counts from 0.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** How long to wait before the next try: the server's Retry-After when it gave one, else backoff. */
export function retryDelayMs(result: SendResult, attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (result.kind === "retryable" && result.retryAfterMs !== undefined) return Math.max(result.retryAfterMs, policy.initialMs);
  return backoffDelayMs(attempt, policy, random);
}
