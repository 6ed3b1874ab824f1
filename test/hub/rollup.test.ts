import { describe, expect, it } from "vitest";
import type { HubStore } from "../../hub/store/hub-store.ts";
import { RollupProgress } from "../../hub/store/rollup-progress.ts";
import { Rollups } from "../../hub/store/rollups.ts";
import { silentLogger } from "../../shared/log/logger.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { count, HOUR, MIN, makeBatch, openStore, seeded, T0 } from "./store/helpers.ts";

const tempDir = useTempDirs();

interface Sample {
  name: string;
  labels: Record<string, string>;
  agentId: string;
  t: number;
  value: number;
}

interface Agg {
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastT: number;
}

/**
 * Two hosts, three series, a sample every 10 s from 10 minutes before T0 to 2 h 5 min after it;
 * one series skips the minute T0+30m, values mix fractions, negatives and large integers.
 */
function fixture(): Sample[] {
  const rand = seeded(7);
  const out: Sample[] = [];
  for (let t = T0 - 10 * MIN; t < T0 + 2 * HOUR + 5 * MIN; t += 10_000) {
    out.push({ name: "vigil_load1", labels: {}, agentId: "a", t: t + 1_234, value: Math.round(rand() * 800) / 100 });
    if (Math.floor(t / MIN) !== (T0 + 30 * MIN) / MIN) {
      out.push({ name: "vigil_gpu_temperature_celsius", labels: { gpu: "0" }, agentId: "b", t, value: 40 + Math.round(rand() * 400) / 10 });
    }
    out.push({ name: "vigil_gpu_power_draw_watts", labels: { gpu: "1" }, agentId: "b", t: t + 7, value: Math.round((rand() - 0.3) * 4e6) });
  }
  return out;
}

/** Pushes the fixture as agents would: one batch per host per 10 s, received when sampled. */
function ingestAll(store: HubStore, samples: Sample[]): void {
  const seq = new Map<string, number>();
  const byBatch = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.agentId}/${Math.floor(s.t / 10_000)}`;
    byBatch.set(key, [...(byBatch.get(key) ?? []), s]);
  }
  for (const list of byBatch.values()) {
    const agentId = (list[0] as Sample).agentId;
    seq.set(agentId, (seq.get(agentId) ?? 0) + 1);
    const batch = makeBatch({ agentId, sequence: seq.get(agentId) as number, samples: list });
    store.ingest(batch, Math.max(...list.map((s) => s.t)));
  }
}

/** min/max/sum/count/last per (series, bucket), computed from the raw samples in plain JavaScript. */
function expected(samples: Sample[], bucketMs: number, before: number): Map<string, Agg> {
  const out = new Map<string, Agg>();
  for (const s of samples) {
    const bucket = Math.floor(s.t / bucketMs);
    if (bucket * bucketMs >= before) continue;
    const key = `${s.agentId}|${s.name}|${JSON.stringify(s.labels)}|${bucket}`;
    const a = out.get(key);
    if (!a) out.set(key, { min: s.value, max: s.value, sum: s.value, count: 1, last: s.value, lastT: s.t });
    else {
      a.min = Math.min(a.min, s.value);
      a.max = Math.max(a.max, s.value);
      a.sum += s.value;
      a.count++;
      if (s.t > a.lastT) [a.last, a.lastT] = [s.value, s.t];
    }
  }
  return out;
}

function stored(store: HubStore, table: "rollup_1m" | "rollup_1h"): Map<string, Omit<Agg, "lastT">> {
  const bucket = table === "rollup_1m" ? "minute" : "hour";
  const rows = store.db
    .prepare(
      `SELECT s.host_id AS host, s.name, s.labels, r.${bucket} AS bucket, r.minimum AS min, r.maximum AS max, r.total AS sum, r.count, r.last
       FROM ${table} r JOIN series s ON s.id = r.series_id`,
    )
    .all() as Array<{
    host: string;
    name: string;
    labels: string;
    bucket: number;
    min: number;
    max: number;
    sum: number;
    count: number;
    last: number;
  }>;
  return new Map(
    rows.map((r) => [`${r.host}|${r.name}|${r.labels}|${r.bucket}`, { min: r.min, max: r.max, sum: r.sum, count: r.count, last: r.last }]),
  );
}

function expectSame(actual: Map<string, Omit<Agg, "lastT">>, want: Map<string, Agg>): void {
  expect([...actual.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [key, w] of want) {
    const a = actual.get(key) as Omit<Agg, "lastT">;
    expect({ key, min: a.min, max: a.max, count: a.count, last: a.last }).toEqual({
      key,
      min: w.min,
      max: w.max,
      count: w.count,
      last: w.last,
    });
    expect(a.sum).toBeCloseTo(w.sum, 6);
  }
}

describe("rollups", () => {
  it("equal min, max, sum, count and last computed from the raw samples, at 1 minute and 1 hour", () => {
    const store = openStore(tempDir());
    const samples = fixture();
    ingestAll(store, samples);
    const now = T0 + 2 * HOUR + 7 * MIN;
    store.maintenance(silentLogger).runUntilIdle(now);
    // Minutes that ended a minute ago (the delay) are rolled up, and hours whose minutes all are.
    const minutesUntil = Math.floor((now - MIN) / MIN) * MIN;
    expect(store.rolledUpUntil()).toEqual({ rollup1m: minutesUntil, rollup1h: T0 + 2 * HOUR });
    const want1m = expected(samples, MIN, minutesUntil);
    // 3 series x 135 minutes (T0-10m to T0+2h4m), less the one minute the GPU 0 series skipped.
    expect(want1m.size).toBe(3 * 135 - 1);
    expectSame(stored(store, "rollup_1m"), want1m);
    // Hours come from minutes, checked here against the raw samples directly: 3 series x 3 hours.
    const want1h = expected(samples, HOUR, T0 + 2 * HOUR);
    expect(want1h.size).toBe(9);
    expectSame(stored(store, "rollup_1h"), want1h);
    expect(count(store, "rollup_late_1m") + count(store, "rollup_late_1h")).toBe(0);
  });

  it("rolls up only minutes that ended the delay ago, and catches up later", () => {
    const store = openStore(tempDir(), { rollupDelayMs: 30_000 });
    ingestAll(store, fixture());
    const maintenance = store.maintenance(silentLogger);
    maintenance.runUntilIdle(T0 + 60_000 + 29_999);
    expect(store.rolledUpUntil().rollup1m).toBe(T0);
    maintenance.runUntilIdle(T0 + 60_000 + 30_000);
    expect(store.rolledUpUntil().rollup1m).toBe(T0 + MIN);
    expect(store.db.prepare("SELECT MAX(minute) FROM rollup_1m").pluck().get()).toBe(T0 / MIN);
    expect(store.rolledUpUntil().rollup1h).toBe(T0);
  });

  it("gives the same result rolled up in many small chunks as in one go", () => {
    const samples: Sample[] = [];
    for (let i = 0; i < 40; i++) {
      for (let t = T0; t < T0 + 3 * MIN; t += 15_000)
        samples.push({ name: "vigil_cpu_usage_percent", labels: { cpu: String(i) }, agentId: "a", t, value: (i * t) % 97 });
    }
    const store = openStore(tempDir());
    ingestAll(store, samples);
    // A budget of a microsecond shrinks chunks to their minimum of 16 series after the first (64):
    // the first minute is one chunk, the next two are 3 chunks each.
    const rollups = new Rollups({
      db: store.db,
      progress: new RollupProgress(store.db),
      delayMs: MIN,
      rawRetentionMs: 2 * 86_400_000,
      stepMs: 0.001,
    });
    let steps = 0;
    while (rollups.step(T0 + 4 * MIN)) steps++;
    expect(steps).toBe(1 + 3 + 3);
    expectSame(stored(store, "rollup_1m"), expected(samples, MIN, T0 + 3 * MIN));
    expect(count(store, "rollup_1m")).toBe(40 * 3);
  });

  it("rolls a minute and its hour again when a late batch arrives for them", () => {
    const store = openStore(tempDir());
    const samples = fixture();
    ingestAll(store, samples);
    const now = T0 + 2 * HOUR + 7 * MIN;
    const maintenance = store.maintenance(silentLogger);
    maintenance.runUntilIdle(now);
    // From an agent's outbox after an outage: a new peak in a minute rolled up long ago.
    const late: Sample = { name: "vigil_load1", labels: {}, agentId: "a", t: T0 + 17 * MIN + 30_500, value: 99.5 };
    store.ingest(makeBatch({ agentId: "a", sequence: 10_000, samples: [late] }), now);
    expect(count(store, "rollup_late_1m")).toBe(1);
    // Rolled again once the host's minute has received nothing for the rollup delay, not before.
    maintenance.runUntilIdle(now + 30_000);
    expect(count(store, "rollup_late_1m")).toBe(1);
    maintenance.runUntilIdle(now + MIN);
    const all = [...samples, late];
    expectSame(stored(store, "rollup_1m"), expected(all, MIN, Math.floor((now - MIN) / MIN) * MIN));
    expectSame(stored(store, "rollup_1h"), expected(all, HOUR, T0 + 2 * HOUR));
    expect(stored(store, "rollup_1h").get(`a|vigil_load1|{}|${T0 / HOUR}`)?.max).toBe(99.5);
    expect(count(store, "rollup_late_1m") + count(store, "rollup_late_1h")).toBe(0);
  });

  it("resumes after a restart in the middle of a minute without counting anything twice", () => {
    const dir = tempDir();
    const samples: Sample[] = [];
    for (let i = 0; i < 100; i++)
      samples.push({ name: "vigil_cpu_usage_percent", labels: { cpu: String(i) }, agentId: "a", t: T0 + i, value: i });
    let store = openStore(dir);
    ingestAll(store, samples);
    const partial = new Rollups({
      db: store.db,
      progress: new RollupProgress(store.db),
      delayMs: MIN,
      rawRetentionMs: 86_400_000,
      stepMs: 0.001,
    });
    // The first chunk is 64 series of the 100: the minute is half done when the hub stops.
    expect(partial.step(T0 + 2 * MIN)).toBe(true);
    expect(count(store, "rollup_1m")).toBe(64);
    expect(store.db.prepare("SELECT done_until FROM rollup_watermarks WHERE resolution = '1m'").pluck().get()).toBe(T0 / MIN);
    store.close();
    store = openStore(dir);
    store.maintenance(silentLogger).runUntilIdle(T0 + 2 * MIN);
    expect(store.db.prepare("SELECT COUNT(*), SUM(count), SUM(total) FROM rollup_1m").raw().get()).toEqual([100, 100, (99 * 100) / 2]);
    expect(store.rolledUpUntil().rollup1m).toBe(T0 + MIN);
    store.close();
  });

  it("skips empty minutes in one step each stretch, without rows for them", () => {
    const store = openStore(tempDir());
    store.ingest(makeBatch({ sequence: 1, samples: [{ t: T0, value: 1 }] }), T0);
    store.ingest(makeBatch({ sequence: 2, samples: [{ t: T0 + 5 * HOUR, value: 2 }] }), T0 + 5 * HOUR);
    const steps = store.maintenance(silentLogger).runUntilIdle(T0 + 6 * HOUR + 2 * MIN);
    expect(steps).toBeLessThan(20);
    expect(store.db.prepare("SELECT minute * 60000 FROM rollup_1m ORDER BY minute").pluck().all()).toEqual([T0, T0 + 5 * HOUR]);
    expect(store.db.prepare("SELECT hour * 3600000 FROM rollup_1h ORDER BY hour").pluck().all()).toEqual([T0, T0 + 5 * HOUR]);
  });
});
