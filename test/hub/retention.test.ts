import { describe, expect, it } from "vitest";
import type { HubStore } from "../../hub/store/hub-store.ts";
import { silentLogger } from "../../shared/log/logger.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { count, HOUR, MIN, makeBatch, openStore, T0 } from "./store/helpers.ts";

const tempDir = useTempDirs();

const RETENTION = { rawMs: 2 * HOUR, rollup1mMs: 6 * HOUR, rollup1hMs: 9 * HOUR, batchIdsMs: 3 * HOUR };

/** Ten series, one sample each per minute (one batch per minute) from T0 for `hours`, received when taken. */
function pushHours(store: HubStore, hours: number): void {
  for (let m = 0; m < hours * 60; m++) {
    const t = T0 + m * MIN + 500;
    const samples = Array.from({ length: 10 }, (_, i) => ({
      name: "vigil_cpu_usage_percent",
      labels: { cpu: String(i) },
      t,
      value: m + i,
    }));
    store.ingest(makeBatch({ sequence: m + 1, samples }), t);
  }
}

describe("retention", () => {
  it("keeps raw samples, 1-minute and 1-hour rollups and batch ids for their own durations, exactly", () => {
    const store = openStore(tempDir(), { retention: RETENTION });
    pushHours(store, 12);
    const now = T0 + 12 * HOUR;
    store.maintenance(silentLogger).runUntilIdle(now);
    // Raw: the last 2 hours (120 minutes x 10 series).
    expect(count(store, "samples")).toBe(120 * 10);
    expect(store.db.prepare("SELECT MIN(minute) * 60000 FROM samples").pluck().get()).toBe(now - 2 * HOUR);
    // 1-minute rollups: the last 6 hours, up to the minute that ended the rollup delay ago.
    expect(store.rolledUpUntil().rollup1m).toBe(now - MIN);
    expect(count(store, "rollup_1m")).toBe((6 * 60 - 1) * 10);
    expect(store.db.prepare("SELECT MIN(minute) * 60000 FROM rollup_1m").pluck().get()).toBe(now - 6 * HOUR);
    // 1-hour rollups: hours whose minutes are all rolled up (T0 .. T0+10h), the last 9 hours of them kept.
    expect(store.rolledUpUntil().rollup1h).toBe(now - HOUR);
    expect(store.db.prepare("SELECT MIN(hour) * 3600000, MAX(hour) * 3600000, COUNT(*) FROM rollup_1h").raw().get()).toEqual([
      now - 9 * HOUR,
      now - 2 * HOUR,
      8 * 10,
    ]);
    // Batch ids: those received in the last 3 hours (one batch per minute).
    expect(count(store, "received_batches")).toBe(180);
    expect(store.retention.deleted()).toEqual({ samples: 600 * 10, rollup_1m: 360 * 10, rollup_1h: 3 * 10, received_batches: 540 });
  });

  it("deletes in chunks: one step removes at most one chunk", () => {
    const store = openStore(tempDir(), { retention: RETENTION });
    pushHours(store, 12);
    const now = T0 + 12 * HOUR;
    // Roll everything up first, so only retention has work left.
    while (store.rollups.step(now));
    expect(count(store, "samples")).toBe(12 * 60 * 10);
    expect(store.retention.step(now)).toBe(true);
    // The first chunk is 5,000 rows of the 6,000 expired raw samples, oldest first.
    expect(count(store, "samples")).toBe(12 * 60 * 10 - 5000);
    expect(store.db.prepare("SELECT MIN(minute) * 60000 FROM samples").pluck().get()).toBe(T0 + 500 * MIN);
    let steps = 1;
    while (store.retention.step(now)) steps++;
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(count(store, "samples")).toBe(120 * 10);
  });

  it("keeps raw samples past their retention until their minutes are rolled up", () => {
    const store = openStore(tempDir(), { retention: RETENTION });
    pushHours(store, 4);
    // The hub was stopped for 3 hours: all raw data has expired, and none of it is rolled up yet.
    const now = T0 + 7 * HOUR;
    while (store.retention.step(now));
    expect(count(store, "samples")).toBe(4 * 60 * 10);
    store.maintenance(silentLogger).runUntilIdle(now);
    expect(count(store, "samples")).toBe(0);
    // Every raw sample made it into the hourly rollups before it went; minutes are kept for 6 hours.
    expect(store.db.prepare("SELECT COUNT(*), SUM(count) FROM rollup_1h").raw().get()).toEqual([4 * 10, 4 * 60 * 10]);
    expect(count(store, "rollup_1m")).toBe(3 * 60 * 10);
  });
});
