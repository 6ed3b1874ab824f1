import { describe, expect, it } from "vitest";
import type { CollectOutcome, Collector, Observations } from "../../agent/collectors/collector.ts";
import { CollectorScheduler } from "../../agent/collectors/scheduler.ts";
import { createLogger } from "../../shared/log/logger.ts";

function harness(collectors: Array<{ collector: Collector; intervalMs: number; timeoutMs: number }>) {
  const lines: string[] = [];
  const received: Array<{ obs: Observations; at: number }> = [];
  const scheduler = new CollectorScheduler({
    collectors,
    sink: (obs, at) => received.push({ obs, at }),
    logger: createLogger({ component: "agent", write: (l) => lines.push(l) }),
  });
  return { scheduler, lines, received };
}

const sample = (name: string, value: number) => ({ name, labels: {}, timestamp: 1, value });

describe("CollectorScheduler", () => {
  it("abandons a hanging collector at its timeout, aborts it, and counts an error", async () => {
    let aborted = false;
    const hang: Collector = {
      name: "hang",
      collect: ({ signal }) =>
        new Promise(() => {
          signal.addEventListener("abort", () => {
            aborted = true;
          });
        }),
    };
    const { scheduler, received, lines } = harness([{ collector: hang, intervalMs: 1000, timeoutMs: 50 }]);
    const t0 = performance.now();
    await scheduler.runOnce({ collector: hang, intervalMs: 1000, timeoutMs: 50 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(aborted).toBe(true);
    const status = scheduler.statuses()[0];
    expect(status).toMatchObject({ name: "hang", state: "error", errorsTotal: 1, runsTotal: 1 });
    expect(status?.detail).toContain("did not finish within 50 ms");
    const own = received[0]?.obs.samples ?? [];
    expect(own.find((s) => s.name === "vigil_collector_up")?.value).toBe(0);
    expect(own.find((s) => s.name === "vigil_collector_errors_total")?.value).toBe(1);
    expect(lines.filter((l) => l.includes("collector cycle failed"))).toHaveLength(1);
  });

  it("runs collectors independently: a slow one does not delay a fast one", async () => {
    const fastRuns: number[] = [];
    const slow: Collector = {
      name: "slow",
      collect: () => new Promise((r) => setTimeout(() => r({ kind: "ok", samples: [], states: [] }), 400)),
    };
    const fast: Collector = {
      name: "fast",
      collect: async () => {
        fastRuns.push(Date.now());
        return { kind: "ok", samples: [sample("vigil_test_value", 1)], states: [] };
      },
    };
    const { scheduler } = harness([
      { collector: slow, intervalMs: 1000, timeoutMs: 2000 },
      { collector: fast, intervalMs: 50, timeoutMs: 1000 },
    ]);
    scheduler.start();
    await new Promise((r) => setTimeout(r, 330));
    await scheduler.stop();
    // In 330 ms at a 50 ms interval the fast collector ran about six times while the slow one was still busy.
    expect(fastRuns.length).toBeGreaterThanOrEqual(4);
    expect(scheduler.statuses().find((s) => s.name === "slow")?.runsTotal).toBe(1);
  });

  it("says 'unavailable' once per reason, not every cycle, and keeps trying", async () => {
    let calls = 0;
    const gpu: Collector = {
      name: "gpu",
      collect: async () => {
        calls++;
        return { kind: "unavailable", reason: "nvidia-smi not found on PATH" };
      },
    };
    const { scheduler, lines, received } = harness([{ collector: gpu, intervalMs: 1000, timeoutMs: 100 }]);
    const entry = { collector: gpu, intervalMs: 1000, timeoutMs: 100 };
    for (let i = 0; i < 5; i++) await scheduler.runOnce(entry);
    expect(calls).toBe(5);
    expect(lines.filter((l) => l.includes("collector unavailable"))).toHaveLength(1);
    expect(lines[0]).toContain("nvidia-smi not found on PATH");
    expect(scheduler.statuses()[0]).toMatchObject({ state: "unavailable", errorsTotal: 0 });
    expect(received.every((r) => r.obs.samples.some((s) => s.name === "vigil_collector_up" && s.value === 0))).toBe(true);
  });

  it("continues after a failed cycle and logs the recovery", async () => {
    let n = 0;
    const flaky: Collector = {
      name: "flaky",
      collect: async () => {
        n++;
        if (n === 1) throw new Error("garbage output: line 1");
        return { kind: "ok", samples: [sample("vigil_test_value", n)], states: [] };
      },
    };
    const { scheduler, lines, received } = harness([{ collector: flaky, intervalMs: 1000, timeoutMs: 100 }]);
    const entry = { collector: flaky, intervalMs: 1000, timeoutMs: 100 };
    await scheduler.runOnce(entry);
    await scheduler.runOnce(entry);
    expect(scheduler.statuses()[0]).toMatchObject({ state: "ok", errorsTotal: 1, runsTotal: 2 });
    expect(lines.some((l) => l.includes("garbage output: line 1"))).toBe(true);
    expect(lines.some((l) => l.includes("collector recovered"))).toBe(true);
    expect(received[1]?.obs.samples.find((s) => s.name === "vigil_test_value")?.value).toBe(2);
    expect(scheduler.allRanOnce()).toBe(true);
  });

  it("drops only the observations the hub would refuse, names them once, and keeps the rest", async () => {
    const sloppy: Collector = {
      name: "sloppy",
      collect: async ({ now }): Promise<CollectOutcome> => ({
        kind: "ok",
        samples: [
          { name: "vigil_good", labels: {} as Record<string, string>, timestamp: now, value: 1 },
          { name: "vigil_ratio", labels: {}, timestamp: now, value: 0 / 0 },
          { name: "vigil_temp", labels: { "gpu-index": "0" }, timestamp: now, value: 40 },
        ],
        states: [{ name: "vigil_pool_state", labels: { pool: "tank" }, timestamp: now, state: "ONLINE" }],
      }),
    };
    const entry = { collector: sloppy, intervalMs: 1000, timeoutMs: 100 };
    const { scheduler, lines, received } = harness([entry]);
    await scheduler.runOnce(entry);
    await scheduler.runOnce(entry);
    const names = received[0]?.obs.samples.map((s) => s.name) ?? [];
    expect(names).toContain("vigil_good");
    expect(names).not.toContain("vigil_ratio");
    expect(names).not.toContain("vigil_temp");
    expect(received[0]?.obs.states).toHaveLength(1);
    expect(scheduler.statuses()[0]).toMatchObject({ state: "ok", droppedTotal: 4 });
    const warnings = lines.filter((l) => l.includes("observations the hub would refuse"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("samples[1].value: must be a finite number, got number NaN (vigil_ratio)");
    expect(received[1]?.obs.samples.find((s) => s.name === "vigil_collector_dropped_observations_total")?.value).toBe(4);
  });
});
