import { type BackoffPolicy, backoffDelayMs, retryDelayMs, type SendResult } from "../../../shared/http/delivery.ts";

export interface RetryPolicy extends BackoffPolicy {
  /** After this many failed attempts a message is dead-lettered. */
  maxAttempts: number;
}

/** What happens to a message after one attempt. */
export type NextStep =
  { kind: "delivered" } | { kind: "dead"; reason: string } | { kind: "retry"; atMs: number; delayMs: number; reason: string };

/**
 * The one retry decision, shared by the outbox dispatcher (persisted, across restarts) and
 * sendWithRetry (in memory, for test messages): success is delivered; a failure is dead at once,
 * since resending the same message cannot change the answer; a retryable result waits exponential
 * backoff with jitter, and at least the receiver's Retry-After, and is dead once `attempts` (this one
 * included) reaches maxAttempts. Retry-After is a floor, never the whole wait: a receiver that keeps
 * answering 429 with `Retry-After: 1` (Slack's rate limit) would otherwise use up maxAttempts within
 * seconds and dead-letter alerts that a few minutes' patience delivers (the soak suite saw 11 of 100).
 */
export function nextStep(
  result: SendResult,
  attempts: number,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number = Math.random,
): NextStep {
  if (result.kind === "success") return { kind: "delivered" };
  if (result.kind === "failure") return { kind: "dead", reason: result.reason };
  if (attempts >= policy.maxAttempts) return { kind: "dead", reason: `gave up after ${attempts} attempts: ${result.reason}` };
  const delayMs = Math.max(retryDelayMs(result, attempts - 1, policy, random), backoffDelayMs(attempts - 1, policy, random));
  return { kind: "retry", atMs: nowMs + delayMs, delayMs, reason: result.reason };
}
