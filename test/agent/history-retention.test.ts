import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { RetentionLoop } from "../../agent/store/retention-loop.ts";
import { createLogger, silentLogger } from "../../shared/log/logger.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const DAY = 86_400_000;
const T0 = 1_790_000_000_000;

/** `cycles` collections of `series` samples each, `everyMs` apart from T0, in one transaction per collection as the agent writes them. */
function collect(store: AgentStore, cycles: number, series: number, everyMs: number) {
  for (let c = 0; c < cycles; c++) {
    const ts = T0 + c * everyMs;
    const samples = Array.from({ length: series }, (_, i) => ({
      name: "vigil_cpu_usage_percent",
      labels: { cpu: String(i) },
      timestamp: ts,
      value: (c * i) % 100,
    }));
    store.recordObservations(
      {
        samples,
        states: [{ name: "vigil_unit_state", labels: { unit: "ollama.service" }, timestamp: ts, state: c % 2 ? "active" : "failed" }],
      },
      ts,
    );
  }
}

const count = (store: AgentStore, table: string) => store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const oldest = (store: AgentStore) => store.db.prepare("SELECT MIN(timestamp) FROM samples").pluck().get() as number;

describe("history retention", () => {
  it("deletes what is older than the retention age, a bounded number of rows per step", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    collect(store, 100, 10, DAY / 10); // ten days, ten cycles a day
    expect(count(store, "samples")).toBe(1000);
    const policy = { maxAgeMs: 7 * DAY, maxBytes: 1e12 };
    const now = T0 + 10 * DAY; // cycles 0-29 are older than seven days
    const first = store.history.retentionStep(policy, now, 120);
    expect(first.deletedByAge).toBeGreaterThanOrEqual(120);
    expect(first.deletedByAge).toBeLessThan(300 + 30);
    expect(first.more).toBe(true);
    let steps = 1;
    while (store.history.retentionStep(policy, now, 120).more) steps++;
    expect(steps).toBeGreaterThanOrEqual(2);
    expect(count(store, "samples")).toBe(700);
    expect(oldest(store)).toBe(T0 + 30 * (DAY / 10));
    expect(store.db.prepare("SELECT MIN(timestamp) FROM state_changes").pluck().get()).toBe(T0 + 30 * (DAY / 10));
    // The latest values are not history: they stay.
    expect(store.latest.samples()).toHaveLength(10);
    store.close();
  });

  it("keeps the history within its size bound, oldest first, in steps", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    collect(store, 400, 100, 10_000); // 40,000 samples, about 700 kB
    const before = store.history.measureBytes();
    expect(before).toBeGreaterThan(500_000);
    const policy = { maxAgeMs: 365 * DAY, maxBytes: Math.round(before / 2) };
    const now = T0 + 400 * 10_000;
    let last = store.history.retentionStep(policy, now, 5_000);
    expect(last.deletedBySize).toBeGreaterThan(0);
    expect(last.measuredBytes).toBe(before);
    for (let i = 0; i < 50 && (last.more || last.deletedBySize > 0); i++) last = store.history.retentionStep(policy, now, 5_000);
    const after = store.history.measureBytes();
    expect(after).toBeLessThanOrEqual(policy.maxBytes);
    expect(after).toBeGreaterThan(policy.maxBytes * 0.8); // about half went, not everything
    // The newest cycle is intact and what was removed was the oldest.
    expect(
      store.db
        .prepare("SELECT COUNT(*) FROM samples WHERE timestamp = ?")
        .pluck()
        .get(now - 10_000),
    ).toBe(100);
    expect(oldest(store)).toBeGreaterThan(T0);
    store.close();
  });

  it("costs no page walk while the whole database is within the bound", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    collect(store, 10, 10, 10_000);
    const step = store.history.retentionStep({ maxAgeMs: DAY, maxBytes: 100_000_000 }, T0 + 100_000);
    expect(step).toEqual({ deletedByAge: 0, deletedBySize: 0, measuredBytes: null, more: false });
    store.close();
  });

  it("runs on a timer, soon again while a backlog remains, and logs a failing step once", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    collect(store, 50, 10, DAY / 10);
    const lines: string[] = [];
    const loop = new RetentionLoop({
      history: store.history,
      policy: { maxAgeMs: DAY, maxBytes: 1e12 },
      logger: createLogger({ component: "agent", write: (l) => lines.push(l) }),
      now: () => T0 + 5 * DAY,
      everyMs: 60_000,
      backlogEveryMs: 1_000,
    });
    expect(loop.runOnce()).toBe(60_000); // 400 rows due, well under one step's limit
    expect(count(store, "samples")).toBe(100);
    store.db.exec("DROP TABLE samples");
    expect(loop.runOnce()).toBe(60_000);
    expect(loop.runOnce()).toBe(60_000);
    expect(lines.filter((l) => l.includes("history retention step failed"))).toHaveLength(1);
    loop.stop();
    store.close();
  });

  it("asks for the next step soon while more rows are due than one step deletes", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    collect(store, 30_000 / 10, 10, 1_000);
    const loop = new RetentionLoop({
      history: store.history,
      policy: { maxAgeMs: 3_600_000, maxBytes: 1e12 },
      logger: silentLogger,
      now: () => T0 + 2 * DAY,
    });
    expect(loop.runOnce()).toBe(1_000); // 30,000 rows due, 20,000 per step
    expect(loop.runOnce()).toBe(60_000);
    expect(count(store, "samples")).toBe(0);
    store.close();
  });
});
