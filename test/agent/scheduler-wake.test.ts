import { afterEach, describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../agent/collectors/collector.ts";
import { CollectorScheduler, type WakingCollector } from "../../agent/collectors/scheduler.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { waitFor } from "../support/processes.ts";

const schedulers: CollectorScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
});

/**
 * A collector recording when each cycle starts and ends, taking `busyMs` per cycle; `wake` is what the
 * scheduler handed it, `unwatched` whether the scheduler stopped its watching.
 */
function recorder(busyMs = 0) {
  const runs: Array<{ start: number; end?: number }> = [];
  let running = 0;
  let maxRunning = 0;
  const state: { wake?: () => void; unwatched: boolean } = { unwatched: false };
  const collector: WakingCollector = {
    name: "units",
    async collect(): Promise<CollectOutcome> {
      const run: { start: number; end?: number } = { start: performance.now() };
      runs.push(run);
      maxRunning = Math.max(maxRunning, ++running);
      if (busyMs > 0) await new Promise((r) => setTimeout(r, busyMs));
      running--;
      run.end = performance.now();
      return { kind: "ok", samples: [], states: [] };
    },
    watchWakes(wake) {
      state.wake = wake;
      return () => {
        state.unwatched = true;
      };
    },
  };
  return { collector, runs, state, maxRunning: () => maxRunning };
}

function start(collector: WakingCollector, intervalMs: number, minWakeGapMs?: number): CollectorScheduler {
  const scheduler = new CollectorScheduler({
    collectors: [{ collector, intervalMs, timeoutMs: 10_000 }],
    sink: () => {},
    logger: createLogger({ component: "agent", write: () => {} }),
    ...(minWakeGapMs === undefined ? {} : { minWakeGapMs }),
  });
  schedulers.push(scheduler);
  scheduler.start();
  return scheduler;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CollectorScheduler.wake", () => {
  it("runs a cycle at once when the collector's watch wakes it, instead of at the end of its interval", async () => {
    const r = recorder();
    start(r.collector, 60_000, 50);
    await waitFor("the first cycle", () => r.runs[0]?.end, 5_000, 5);
    await sleep(60); // past the least gap since that cycle
    const wokenAt = performance.now();
    r.state.wake?.();
    const second = await waitFor("the woken cycle", () => r.runs[1], 5_000, 2);
    expect(second.start - wokenAt).toBeLessThan(500);
  });

  it("coalesces a burst of wakes into one cycle, started no sooner than the least gap after the last", async () => {
    const r = recorder();
    start(r.collector, 60_000, 200);
    await waitFor("the first cycle", () => r.runs[0]?.end, 5_000, 5);
    for (let i = 0; i < 10; i++) r.state.wake?.();
    const second = await waitFor("the woken cycle", () => r.runs[1], 5_000, 2);
    expect(second.start - (r.runs[0]?.start ?? 0)).toBeGreaterThanOrEqual(190);
    r.state.wake?.(); // during or right after the woken cycle: one more, 200 ms after it
    await sleep(600);
    expect(r.runs).toHaveLength(3);
    expect((r.runs[2]?.start ?? 0) - second.start).toBeGreaterThanOrEqual(190);
  });

  it("never runs two cycles of a collector at once: wakes during a cycle give one more cycle after it", async () => {
    const r = recorder(150);
    start(r.collector, 60_000, 10);
    const first = await waitFor("the first cycle to start", () => r.runs[0], 5_000, 2);
    for (let i = 0; i < 5; i++) {
      r.state.wake?.();
      await sleep(10);
    }
    await waitFor("the cycle after it", () => r.runs[1]?.end, 5_000, 5);
    await sleep(300);
    expect(r.maxRunning()).toBe(1);
    expect(r.runs).toHaveLength(2);
    // It starts once the first has ended, not beside it.
    expect(r.runs[1]?.start ?? 0).toBeGreaterThanOrEqual(first.end ?? Number.POSITIVE_INFINITY);
  });

  it("keeps the fixed rate from the woken cycle: the next regular one comes one interval after it", async () => {
    const r = recorder();
    start(r.collector, 400, 10);
    await waitFor("the first cycle", () => r.runs[0]?.end, 5_000, 5);
    await sleep(150);
    r.state.wake?.();
    const woken = await waitFor("the woken cycle", () => r.runs[1], 5_000, 2);
    const next = await waitFor("the next regular cycle", () => r.runs[2], 5_000, 2);
    // Not at 400 ms after the first (about 250 ms after the woken one): one interval after the woken one.
    expect(next.start - woken.start).toBeGreaterThanOrEqual(380);
  });

  it("hands the collector its wake at start, stops its watching at stop, and ignores wakes after", async () => {
    const r = recorder();
    const scheduler = start(r.collector, 60_000, 10);
    expect(r.state.wake).toBeTypeOf("function");
    await waitFor("the first cycle", () => r.runs[0]?.end, 5_000, 5);
    await scheduler.stop();
    expect(r.state.unwatched).toBe(true);
    r.state.wake?.();
    scheduler.wake("units");
    await sleep(100);
    expect(r.runs).toHaveLength(1);
  });

  it("ignores wakes before start and for a collector it does not run", async () => {
    const r = recorder();
    const scheduler = new CollectorScheduler({
      collectors: [{ collector: r.collector, intervalMs: 60_000, timeoutMs: 1_000 }],
      sink: () => {},
      logger: createLogger({ component: "agent", write: () => {} }),
    });
    schedulers.push(scheduler);
    scheduler.wake("units");
    scheduler.wake("gpu");
    await sleep(100);
    expect(r.runs).toEqual([]);
  });
});
