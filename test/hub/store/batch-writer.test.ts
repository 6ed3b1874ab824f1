import { describe, expect, it } from "vitest";
import { forgetHost } from "../../../hub/registry/forget-host.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { count, HOUR, MIN, makeBatch, openStore, T0 } from "./helpers.ts";

const tempDir = useTempDirs();

describe("HubStore writes", () => {
  it("stores a group of batches in one call, one outcome each, samples filed by minute", () => {
    const store = openStore(tempDir());
    const results = store.ingestGroup([
      { batch: makeBatch({ sequence: 1, samples: [{ t: T0 + 5_000, value: 1.5 }] }), receivedAt: T0 + 6_000 },
      {
        batch: makeBatch({
          agentId: "nas",
          sequence: 1,
          samples: [{ t: T0 + 65_250, value: 2 }],
          states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, t: T0, state: "DEGRADED" }],
        }),
        receivedAt: T0 + 66_000,
      },
    ]);
    expect(results).toEqual([
      { ok: true, outcome: { duplicate: false, storedSamples: 1, storedStates: 0, tooOldSamples: 0 } },
      { ok: true, outcome: { duplicate: false, storedSamples: 1, storedStates: 1, tooOldSamples: 0 } },
    ]);
    const rows = store.db.prepare("SELECT minute, offset_ms AS offsetMs, value FROM samples ORDER BY minute").all();
    expect(rows).toEqual([
      { minute: T0 / MIN, offsetMs: 5_000, value: 1.5 },
      { minute: T0 / MIN + 1, offsetMs: 5_250, value: 2 },
    ]);
    expect(store.db.prepare("SELECT SUM(sample_count) FROM received_batches").pluck().get()).toBe(2);
    expect(store.latestStates("nas")).toEqual([
      { name: "vigil_zfs_pool_health", labels: { pool: "tank" }, timestamp: T0, state: "DEGRADED" },
    ]);
  });

  it("acknowledges the same batch twice in one group as stored, then duplicate", () => {
    const store = openStore(tempDir());
    const b = makeBatch({ sequence: 9, samples: [{ t: T0, value: 1 }] });
    const results = store.ingestGroup([
      { batch: b, receivedAt: T0 },
      { batch: b, receivedAt: T0 + 1 },
    ]);
    expect(results.map((r) => r.ok && r.outcome.duplicate)).toEqual([false, true]);
    expect(count(store, "samples")).toBe(1);
    expect(store.db.prepare("SELECT last_seen FROM hosts").pluck().get()).toBe(T0 + 1);
  });

  it("fails one batch alone: its neighbours are stored and its series are not left behind", () => {
    const store = openStore(tempDir());
    // A batch can only fail after validation through the database; a trigger stands in for that.
    store.db.exec(
      "CREATE TRIGGER refuse_bad AFTER INSERT ON received_batches WHEN NEW.agent_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
    );
    const results = store.ingestGroup([
      { batch: makeBatch({ agentId: "a", sequence: 1, samples: [{ name: "vigil_x", t: T0, value: 1 }] }), receivedAt: T0 },
      { batch: makeBatch({ agentId: "bad", sequence: 1, samples: [{ name: "vigil_y", t: T0, value: 2 }] }), receivedAt: T0 },
      { batch: makeBatch({ agentId: "c", sequence: 1, samples: [{ name: "vigil_z", t: T0, value: 3 }] }), receivedAt: T0 },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]?.ok === false && String(results[1].error)).toContain("refused by test");
    expect(store.db.prepare("SELECT host_id FROM series ORDER BY host_id").pluck().all()).toEqual(["a", "c"]);
    expect(store.db.prepare("SELECT agent_id FROM received_batches ORDER BY agent_id").pluck().all()).toEqual(["a", "c"]);
    expect(store.db.prepare("SELECT value FROM samples ORDER BY value").pluck().all()).toEqual([1, 3]);
    // Resent once the cause is gone, it is stored whole, with series that exist.
    store.db.exec("DROP TRIGGER refuse_bad");
    expect(
      store.ingest(makeBatch({ agentId: "bad", sequence: 1, samples: [{ name: "vigil_y", t: T0, value: 2 }] }), T0).storedSamples,
    ).toBe(1);
    expect(store.db.prepare("SELECT COUNT(*) FROM samples WHERE series_id NOT IN (SELECT id FROM series)").pluck().get()).toBe(0);
  });

  it("stores nothing of the group when the commit itself fails, and recovers", () => {
    const store = openStore(tempDir());
    store.ingest(makeBatch({ agentId: "a", sequence: 1, samples: [{ name: "vigil_old", t: T0, value: 0 }] }), T0);
    // A deferred foreign key is checked at COMMIT: a row pointing at no host makes the commit itself fail.
    store.db.exec(
      `CREATE TABLE doom_check (host_id TEXT REFERENCES hosts (id) DEFERRABLE INITIALLY DEFERRED);
       CREATE TRIGGER doom AFTER INSERT ON received_batches WHEN NEW.agent_id = 'doom' BEGIN
         INSERT INTO doom_check (host_id) VALUES ('no-such-host'); END`,
    );
    const group = [
      { batch: makeBatch({ agentId: "a", sequence: 2, samples: [{ name: "vigil_new", t: T0 + 1, value: 1 }] }), receivedAt: T0 + 1 },
      { batch: makeBatch({ agentId: "doom", sequence: 1, samples: [{ t: T0 + 1, value: 2 }] }), receivedAt: T0 + 1 },
    ];
    expect(() => store.ingestGroup(group)).toThrow(/FOREIGN KEY/);
    expect(count(store, "samples")).toBe(1);
    expect(count(store, "received_batches")).toBe(1);
    expect(store.db.prepare("SELECT name FROM series").pluck().all()).toEqual(["vigil_old"]);
    store.db.exec("DROP TRIGGER doom");
    // The cache forgot the rolled-back series: the retry creates them for real.
    expect(store.ingestGroup(group).map((r) => r.ok)).toEqual([true, true]);
    expect(store.db.prepare("SELECT COUNT(*) FROM samples WHERE series_id NOT IN (SELECT id FROM series)").pluck().get()).toBe(0);
    expect(count(store, "samples")).toBe(3);
  });

  it("stores out-of-order batches and keeps the newest value as latest", () => {
    const store = openStore(tempDir());
    store.ingest(makeBatch({ sequence: 2, samples: [{ t: T0 + 20_000, value: 2 }] }), T0 + 21_000);
    store.ingest(makeBatch({ sequence: 1, samples: [{ t: T0 + 10_000, value: 1 }] }), T0 + 22_000);
    expect(store.latestSamples("gpu-box")).toEqual([{ name: "vigil_load1", labels: {}, timestamp: T0 + 20_000, value: 2 }]);
    expect(count(store, "samples")).toBe(2);
    expect(store.db.prepare("SELECT last_sequence FROM hosts").pluck().get()).toBe(2);
  });

  it("does not store samples older than the raw retention, and says how many", () => {
    const store = openStore(tempDir(), { retention: { rawMs: 2 * HOUR, rollup1mMs: 4 * HOUR, rollup1hMs: 8 * HOUR, batchIdsMs: HOUR } });
    const now = T0 + 3 * HOUR;
    const outcome = store.ingest(
      makeBatch({
        sequence: 1,
        samples: [
          { t: now - 2 * HOUR - 1, value: 1 },
          { t: now - 2 * HOUR, value: 2 },
          { t: now, value: 3 },
        ],
      }),
      now,
    );
    expect(outcome).toEqual({ duplicate: false, storedSamples: 2, storedStates: 0, tooOldSamples: 1 });
    expect(store.db.prepare("SELECT value FROM samples ORDER BY value").pluck().all()).toEqual([2, 3]);
    expect(store.db.prepare("SELECT sample_count FROM received_batches").pluck().get()).toBe(2);
  });

  it("marks a sample late when its minute is already rolled up", () => {
    const store = openStore(tempDir(), { rollupDelayMs: 0 });
    store.ingest(makeBatch({ sequence: 1, samples: [{ t: T0 + 1_000, value: 1 }] }), T0 + 1_000);
    store.maintenance(silentLogger).runUntilIdle(T0 + 2 * MIN);
    expect(store.rolledUpUntil().rollup1m).toBe(T0 + 2 * MIN);
    store.ingest(makeBatch({ sequence: 2, samples: [{ t: T0 + 2_000, value: 5 }] }), T0 + 2 * MIN);
    store.ingest(makeBatch({ sequence: 3, samples: [{ t: T0 + 2 * MIN, value: 7 }] }), T0 + 2 * MIN);
    expect(store.db.prepare("SELECT minute FROM rollup_late_1m").pluck().all()).toEqual([T0 / MIN]);
  });

  it("loads a known host's series ids once after a restart, and uses a series created behind its back", () => {
    const dir = tempDir();
    let store = openStore(dir);
    store.ingest(
      makeBatch({
        sequence: 1,
        samples: [
          { t: T0, value: 1 },
          { name: "vigil_load5", t: T0, value: 2 },
        ],
      }),
      T0,
    );
    store.close();
    store = openStore(dir);
    store.ingest(makeBatch({ sequence: 2, samples: [{ t: T0 + 10_000, value: 3 }] }), T0 + 10_000);
    expect(store.cachedSeries).toBe(2);
    store.db.prepare("INSERT INTO series (host_id, name, labels) VALUES ('gpu-box', 'vigil_load15', '{}')").run();
    store.ingest(makeBatch({ sequence: 3, samples: [{ name: "vigil_load15", t: T0 + 20_000, value: 4 }] }), T0 + 20_000);
    expect(count(store, "series")).toBe(3);
    expect(store.latestSamples("gpu-box").map((s) => [s.name, s.value])).toEqual([
      ["vigil_load1", 3],
      ["vigil_load15", 4],
      ["vigil_load5", 2],
    ]);
    store.close();
  });

  it("creates a removed host's series again when it reports after removal", () => {
    const store = openStore(tempDir());
    store.ingest(makeBatch({ sequence: 1, samples: [{ t: T0, value: 1 }] }), T0);
    expect(forgetHost(store.db, "gpu-box")).toBe(true);
    store.ingest(makeBatch({ sequence: 2, samples: [{ t: T0 + 10_000, value: 2 }] }), T0 + 10_000);
    const orphans = store.db.prepare("SELECT COUNT(*) FROM samples WHERE series_id NOT IN (SELECT id FROM series)").pluck().get();
    expect(orphans).toBe(0);
    expect(store.latestSamples("gpu-box")).toEqual([{ name: "vigil_load1", labels: {}, timestamp: T0 + 10_000, value: 2 }]);
  });
});
