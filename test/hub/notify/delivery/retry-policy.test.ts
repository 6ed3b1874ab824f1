import { describe, expect, it } from "vitest";
import { nextStep } from "../../../../hub/notify/delivery/retry-policy.ts";
import { sendWithRetry } from "../../../../hub/notify/delivery/send-with-retry.ts";
import type { SendResult } from "../../../../shared/http/delivery.ts";

const policy = { maxAttempts: 4, initialMs: 1000, maxMs: 8000 };
const retryable: SendResult = { kind: "retryable", reason: "Slack answered 503" };

describe("the retry decision", () => {
  it("delivers on success and dead-letters a failure at once", () => {
    expect(nextStep({ kind: "success" }, 1, policy, 0)).toEqual({ kind: "delivered" });
    expect(nextStep({ kind: "failure", reason: "Slack answered 404: no_service" }, 1, policy, 0)).toEqual({
      kind: "dead",
      reason: "Slack answered 404: no_service",
    });
  });

  it("backs off exponentially with jitter between half and all of each step, capped", () => {
    const at = (attempts: number, random: number) => nextStep(retryable, attempts, policy, 10_000, () => random);
    expect([1, 2, 3].map((n) => at(n, 0))).toMatchObject([{ delayMs: 500 }, { delayMs: 1000 }, { delayMs: 2000 }]);
    expect([1, 2, 3].map((n) => at(n, 1))).toMatchObject([{ delayMs: 1000 }, { delayMs: 2000 }, { delayMs: 4000 }]);
    expect(nextStep(retryable, 9, { ...policy, maxAttempts: 20 }, 0, () => 1)).toMatchObject({ delayMs: 8000 });
    expect(at(1, 0.5)).toEqual({ kind: "retry", atMs: 10_750, delayMs: 750, reason: "Slack answered 503" });
  });

  it("waits at least what Retry-After says", () => {
    expect(nextStep({ ...retryable, retryAfterMs: 30_000 }, 1, policy, 0, () => 0)).toMatchObject({ kind: "retry", delayMs: 30_000 });
  });

  it("still backs off when the receiver keeps asking for a short Retry-After, so a rate limit does not use up the attempts", () => {
    const limited: SendResult = { kind: "retryable", reason: "Slack answered 429: rate_limited", retryAfterMs: 1000 };
    expect([1, 2, 3, 4].map((n) => nextStep(limited, n, { ...policy, maxAttempts: 10 }, 0, () => 0))).toMatchObject([
      { delayMs: 1000 },
      { delayMs: 1000 },
      { delayMs: 2000 },
      { delayMs: 4000 },
    ]);
    // The hub's defaults (16 attempts, 15 s doubling to 4 h): a message answered 429 with Retry-After: 1 every
    // time is still being retried after more than 10 hours.
    const defaults = { maxAttempts: 16, initialMs: 15_000, maxMs: 4 * 3_600_000 };
    let waited = 0;
    for (let attempts = 1; ; attempts++) {
      const step = nextStep(limited, attempts, defaults, waited, () => 0);
      if (step.kind !== "retry") break;
      waited += step.delayMs;
    }
    expect(waited).toBeGreaterThan(10 * 3_600_000);
  });

  it("gives up after maxAttempts, saying how many and why", () => {
    expect(nextStep(retryable, 4, policy, 0)).toEqual({ kind: "dead", reason: "gave up after 4 attempts: Slack answered 503" });
  });
});

describe("sendWithRetry", () => {
  it("retries until success, sleeping the backoff between tries", async () => {
    const answers: SendResult[] = [retryable, retryable, { kind: "success" }];
    const slept: number[] = [];
    const out = await sendWithRetry(async () => answers.shift() ?? { kind: "success" }, {
      policy,
      deadlineMs: 100_000,
      now: () => 0,
      sleep: async (ms) => void slept.push(ms),
      random: () => 0,
    });
    expect(out).toEqual({ result: { kind: "success" }, attempts: 3 });
    expect(slept).toEqual([500, 1000]);
  });

  it("stops when the next try would start after the deadline", async () => {
    let calls = 0;
    const out = await sendWithRetry(async () => (calls++, retryable), {
      policy,
      deadlineMs: 1200,
      now: () => 0,
      sleep: async () => {},
      random: () => 1,
    });
    // 1st retry at +1000 fits, 2nd at +2000 does not.
    expect(out).toEqual({ result: retryable, attempts: 2 });
    expect(calls).toBe(2);
  });
});
