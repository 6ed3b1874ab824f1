import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { agentMigrations } from "../../agent/store/migrations.ts";
import { openDatabase } from "../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { nthSequence } from "./store/nth-sequence.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
const obs = (value: number, ts: number) => ({ samples: [{ name: "vigil_load1", labels: {}, timestamp: ts, value }], states: [] });
const BIG = { maxBytes: 100_000_000 };

function decode(body: Buffer) {
  return JSON.parse(gunzipSync(body).toString()) as { kind: string; payload: { sequence: number; samples: Array<{ value: number }> } };
}

describe("AgentStore", () => {
  it("runs in WAL mode with synchronous=NORMAL and a busy timeout", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(store.db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(store.db.pragma("user_version", { simple: true })).toBe(agentMigrations.length);
    // A 500 KiB page cache, not better-sqlite3's 16 MB: the start's quick_check reads the whole file.
    expect(store.db.pragma("cache_size", { simple: true })).toBe(-500);
    store.close();
  });

  it("seals all pending observations into one batch with increasing sequences", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const nth = nthSequence(store);
    store.recordObservations(obs(1, 1000), 1000);
    store.recordObservations(obs(2, 2000), 2000);
    expect(store.sealBatch(host, 10_000, 3000, BIG)).toEqual({ sequence: nth(1), dropped: null });
    store.recordObservations(obs(3, 4000), 4000);
    expect(store.sealBatch(host, 10_000, 5000, BIG).sequence).toBe(nth(2));
    const first = store.outbox.oldest();
    expect(first?.sequence).toBe(nth(1));
    expect(first?.sampleCount).toBe(2);
    const env = decode(first?.body as Buffer);
    expect(env.kind).toBe("sample_batch");
    expect(env.payload.samples.map((s) => s.value)).toEqual([1, 2]);
    expect(store.outbox.newest()?.sequence).toBe(nth(2));
    store.outbox.acknowledge(nth(1));
    expect(store.outbox.oldest()?.sequence).toBe(nth(2));
    store.close();
  });

  it("seals an empty heartbeat batch only when nothing else is queued, and never when asked not to", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const nth = nthSequence(store);
    expect(store.sealBatch(host, 10_000, 1000, { ...BIG, heartbeat: false }).sequence).toBeNull();
    expect(store.sealBatch(host, 10_000, 1000, BIG).sequence).toBe(nth(1));
    expect(store.sealBatch(host, 10_000, 2000, BIG).sequence).toBeNull();
    expect(store.outbox.stats().batches).toBe(1);
    store.close();
  });

  it("keeps the outbox, the sequence and the counters across a restart", () => {
    const file = join(tempDir(), "agent.sqlite");
    const a = new AgentStore(file);
    const nth = nthSequence(a);
    a.recordObservations(obs(1, 1000), 1000);
    a.sealBatch(host, 10_000, 1000, BIG);
    a.recordObservations(obs(2, 2000), 2000); // pending, not sealed when the process stops
    a.close();
    const b = new AgentStore(file);
    expect(b.lostWal).toBe(false);
    expect(b.sealBatch(host, 10_000, 3000, BIG).sequence).toBe(nth(2));
    expect(b.outbox.stats()).toMatchObject({ batches: 2, samples: 2, oldestSealedAt: 1000, rejected: 0, droppedBatchesTotal: 0 });
    b.close();
  });

  it("never resends a rejected batch but keeps it for inspection, and counts it for good", () => {
    const file = join(tempDir(), "agent.sqlite");
    const store = new AgentStore(file);
    store.recordObservations(obs(1, 1000), 1000);
    const sequence = store.sealBatch(host, 10_000, 1000, BIG).sequence as number;
    store.outbox.reject(sequence, "hub answered 400 INGEST_SCHEMA");
    store.outbox.reject(sequence, "again"); // counted once
    expect(store.outbox.oldest()).toBeUndefined();
    expect(store.outbox.stats()).toMatchObject({ batches: 0, rejected: 1, rejectedTotal: 1 });
    store.close();
    const again = new AgentStore(file);
    expect(again.outbox.stats().rejectedTotal).toBe(1);
    again.close();
  });

  it("still seals when a pending row holds an invalid observation, leaving only that one out", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    // As an older build might have left it: JSON turns NaN into null.
    const row = { samples: [...obs(1, 1000).samples, { name: "vigil_bad", labels: {}, timestamp: 1000, value: null }], states: [] };
    store.db.prepare("INSERT INTO pending (collected_at, body) VALUES (?, ?)").run(1000, JSON.stringify(row));
    expect(store.sealBatch(host, 10_000, 2000, BIG).sequence).toBe(store.outbox.oldest()?.sequence);
    const batch = store.outbox.oldest();
    expect(decode(batch?.body as Buffer).payload.samples.map((s) => s.value)).toEqual([1]);
    expect(batch?.sampleCount).toBe(1);
    store.close();
  });

  it("refuses a database written by a newer build", () => {
    const file = join(tempDir(), "agent.sqlite");
    const raw = new Database(file);
    raw.pragma("user_version = 99");
    raw.close();
    expect(() => new AgentStore(file)).toThrow(`schema version 99 is newer than this build understands (${agentMigrations.length})`);
  });

  it("migrates a version 1 database with batches in its outbox, sizing them for the bound", () => {
    const file = join(tempDir(), "agent.sqlite");
    const v1 = openDatabase(file, agentMigrations.slice(0, 1));
    v1.prepare("INSERT INTO outbox (sequence, boot_id, sealed_at, sample_count, state_count, body) VALUES (7, 'b', 1, 1, 0, ?)").run(
      Buffer.alloc(1234, 1),
    );
    v1.close();
    const store = new AgentStore(file);
    expect(store.outbox.stats()).toMatchObject({ batches: 1, bytes: 1234 });
    const auditColumns = (store.db.pragma("table_info(action_audit)") as Array<{ name: string }>).map((c) => c.name);
    // The columns the audit starts with; the action executor's own migration adds more after them.
    expect(auditColumns.slice(0, 11)).toEqual([
      "id",
      "request_id",
      "action",
      "params",
      "initiator",
      "requested_at",
      "started_at",
      "finished_at",
      "status",
      "exit_code",
      "output_excerpt",
    ]);
    store.close();
  });
});

describe("the outbox bound", () => {
  /** Seals `n` batches of 50 samples each (about 500 bytes compressed; random values so gzip cannot shrink them away). */
  function fill(store: AgentStore, n: number, maxBytes: number, from = 0) {
    const results = [];
    for (let i = from; i < from + n; i++) {
      const ts = 1_790_000_000_000 + i * 1000;
      const samples = Array.from({ length: 50 }, (_, k) => ({
        name: "vigil_load1",
        labels: { k: String(k) },
        timestamp: ts,
        value: Math.random(),
      }));
      store.recordObservations({ samples, states: [] }, ts);
      results.push(store.sealBatch(host, 1000, ts, { maxBytes }));
    }
    return results;
  }

  it("drops the oldest unsent batches past the bound, reporting the sequences, and counts them across restarts", () => {
    const file = join(tempDir(), "agent.sqlite");
    const store = new AgentStore(file);
    const nth = nthSequence(store);
    const one = fill(store, 1, 100_000_000)[0];
    expect(one?.dropped).toBeNull();
    const batchBytes = store.outbox.stats().bytes;
    const maxBytes = Math.floor(batchBytes * 5.5); // room for five batches
    const results = fill(store, 9, maxBytes, 1);
    const stats = store.outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.batches).toBe(5);
    expect(store.outbox.oldest()?.sequence).toBe(nth(6));
    expect(store.outbox.newest()?.sequence).toBe(nth(10));
    const drops = results.map((r) => r.dropped).filter((d) => d !== null);
    expect(drops.map((d) => [d.firstSequence, d.lastSequence])).toEqual([1, 2, 3, 4, 5].map((n) => [nth(n), nth(n)]));
    expect(stats).toMatchObject({ droppedBatchesTotal: 5, droppedSamplesTotal: 250 });
    store.close();
    const again = new AgentStore(file);
    expect(again.outbox.stats()).toMatchObject({ droppedBatchesTotal: 5, droppedSamplesTotal: 250 });
    again.close();
  });

  it("never drops the batch just sealed, even when it alone is over the bound", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const nth = nthSequence(store);
    const [a, b] = fill(store, 2, 100); // smaller than any one batch
    expect(a?.dropped).toBeNull();
    expect(b?.dropped).toMatchObject({ batches: 1, firstSequence: nth(1), lastSequence: nth(1) });
    expect(store.outbox.oldest()?.sequence).toBe(nth(2));
    store.close();
  });

  it("lets rejected batches go at the bound without counting them as dropped a second time", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const nth = nthSequence(store);
    fill(store, 2, 100_000_000);
    store.outbox.reject(nth(1), "hub answered 400");
    const maxBytes = Math.floor(store.outbox.stats().bytes * 1.4);
    const [r] = fill(store, 1, maxBytes, 2);
    expect(r?.dropped).toBeNull(); // only the rejected batch 1 went
    expect(store.outbox.stats()).toMatchObject({ batches: 2, rejected: 0, rejectedTotal: 1, droppedBatchesTotal: 0 });
    store.close();
  });
});

describe("pages for a pulling hub", () => {
  it("returns batches after a sequence in order, at most the limit, and forgets those acknowledged", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const nth = nthSequence(store);
    for (let i = 1; i <= 5; i++) {
      store.recordObservations(obs(i, i * 1000), i * 1000);
      store.sealBatch(host, 10_000, i * 1000, BIG);
    }
    const page = store.outbox.batchesAfter(nth(1), 2);
    expect(page.batches.map((b) => b.sequence)).toEqual([2, 3].map(nth));
    expect(page.batches[0]?.samples).toEqual([{ name: "vigil_load1", labels: {}, timestamp: 2000, value: 2 }]);
    expect(page.more).toBe(true);
    expect(store.outbox.acknowledgeUpTo(nth(3))).toBe(3);
    expect(store.outbox.batchesAfter(nth(3), 10)).toMatchObject({ more: false });
    expect(store.outbox.batchesAfter(nth(3), 10).batches.map((b) => b.sequence)).toEqual([4, 5].map(nth));
    store.close();
  });
});

describe("latest values and history", () => {
  it("keeps every sample in the history and states only when they change", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const pool = (state: string, ts: number) => ({ name: "vigil_zfs_pool_state", labels: { pool: "nvme-fast" }, timestamp: ts, state });
    store.recordObservations({ samples: obs(1.5, 1000).samples, states: [pool("ONLINE", 1000)] }, 1000);
    store.recordObservations({ samples: obs(2.5, 2000).samples, states: [pool("ONLINE", 2000)] }, 2000);
    store.recordObservations({ samples: obs(0.5, 3000).samples, states: [pool("DEGRADED", 3000)] }, 3000);
    const history = store.db
      .prepare("SELECT s.timestamp, s.value, r.name FROM samples s JOIN series r ON r.id = s.series_id ORDER BY s.timestamp")
      .all();
    expect(history).toEqual([
      { timestamp: 1000, value: 1.5, name: "vigil_load1" },
      { timestamp: 2000, value: 2.5, name: "vigil_load1" },
      { timestamp: 3000, value: 0.5, name: "vigil_load1" },
    ]);
    expect(store.db.prepare("SELECT timestamp, state FROM state_changes ORDER BY timestamp").all()).toEqual([
      { timestamp: 1000, state: "ONLINE" },
      { timestamp: 3000, state: "DEGRADED" },
    ]);
    expect(store.latest.samples()).toEqual([{ name: "vigil_load1", labels: {}, timestamp: 3000, value: 0.5 }]);
    expect(store.latest.states()).toEqual([pool("DEGRADED", 3000)]);
    expect(store.latest.samples(3001)).toEqual([]);
    store.close();
  });

  it("never moves a latest value back in time when an older reading arrives late", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    store.recordObservations(obs(2, 2000), 2000);
    store.recordObservations(obs(1, 1000), 1000);
    expect(store.latest.samples()[0]).toMatchObject({ timestamp: 2000, value: 2 });
    store.close();
  });
});
