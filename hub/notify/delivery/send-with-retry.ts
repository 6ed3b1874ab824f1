import type { SendResult } from "../../../shared/http/delivery.ts";
import { nextStep, type RetryPolicy } from "./retry-policy.ts";

export interface RetryOutcome {
  result: SendResult;
  attempts: number;
}

/**
 * Retries a sender in memory until it succeeds, fails for good, runs out of attempts, or the next
 * try would start after `deadlineMs`. For messages nobody needs to survive a restart (test
 * messages); real notifications go through the persisted outbox with the same decision (nextStep).
 */
export async function sendWithRetry(
  send: () => Promise<SendResult>,
  o: { policy: RetryPolicy; deadlineMs: number; now?: () => number; sleep?: (ms: number) => Promise<void>; random?: () => number },
): Promise<RetryOutcome> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempts = 1; ; attempts++) {
    const result = await send();
    const step = nextStep(result, attempts, o.policy, now(), o.random);
    if (step.kind !== "retry" || step.atMs > o.deadlineMs) return { result, attempts };
    await sleep(step.delayMs);
  }
}
