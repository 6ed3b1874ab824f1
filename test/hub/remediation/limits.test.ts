import { describe, expect, it } from "vitest";
import { decide, type Limits, limitsOf } from "../../../hub/remediation/limits.ts";

const HOUR = 3_600_000;
const L: Limits = { maxRuns: 3, windowMs: HOUR, backoffMs: 30_000, verifyAfterMs: 60_000 };
const T = 1_790_000_000_000;

describe("decide", () => {
  it("runs at once when the target has no run in the window", () => {
    expect(decide([], L, T)).toEqual({ kind: "run", run: 1 });
    // A run older than the window does not count.
    expect(decide([T - HOUR - 1], L, T)).toEqual({ kind: "run", run: 1 });
  });

  it("waits the back-off after the last run, doubled for each run already in the window", () => {
    expect(decide([T - 10_000], L, T)).toEqual({ kind: "wait", at: T + 20_000, run: 2 });
    expect(decide([T - 30_000], L, T)).toEqual({ kind: "run", run: 2 });
    // Two runs: 60 s after the second.
    expect(decide([T - 100_000, T - 50_000], L, T)).toEqual({ kind: "wait", at: T + 10_000, run: 3 });
    expect(decide([T - 100_000, T - 60_000], L, T)).toEqual({ kind: "run", run: 3 });
  });

  it("refuses a run beyond maxRuns within the window, however long ago the last one was", () => {
    expect(decide([T - 50 * 60_000, T - 40 * 60_000, T - 30 * 60_000], L, T)).toEqual({ kind: "limit", runs: 3 });
    // Once the oldest leaves the window, one more is allowed.
    expect(decide([T - HOUR, T - 40 * 60_000, T - 30 * 60_000], L, T)).toEqual({ kind: "run", run: 3 });
  });

  it("runs again at once with a zero back-off, still within maxRuns", () => {
    const none = { ...L, backoffMs: 0, maxRuns: 2 };
    expect(decide([T - 1], none, T)).toEqual({ kind: "run", run: 2 });
    expect(decide([T - 2, T - 1], none, T)).toEqual({ kind: "limit", runs: 2 });
  });

  it("sorts the run times it is given", () => {
    expect(decide([T - 5_000, T - 100_000], L, T)).toEqual({ kind: "wait", at: T - 5_000 + 60_000, run: 3 });
  });
});

describe("limitsOf", () => {
  it("takes the rule's own settings over the defaults", () => {
    const defaults = { maxRuns: 3, window: HOUR, backoff: 30_000, verifyAfter: 60_000 };
    expect(limitsOf({ action: "restart-unit", params: {}, maxRuns: 5, backoff: 0 }, defaults)).toEqual({
      maxRuns: 5,
      windowMs: HOUR,
      backoffMs: 0,
      verifyAfterMs: 60_000,
    });
  });
});
