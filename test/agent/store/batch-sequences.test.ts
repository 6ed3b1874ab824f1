import { rmSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { agentMigrations } from "../../../agent/store/migrations.ts";
import { openDatabase } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
const BIG = { maxBytes: 100_000_000 };
const T0 = 1_790_000_000_000;

/** One collection of vigil_load1 = `value` at `ts`, sealed into its own batch; returns the sequence. */
function sealOne(store: AgentStore, value: number, ts: number): number {
  store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: ts, value }], states: [] }, ts);
  return store.sealBatch(host, 10_000, ts, BIG).sequence as number;
}

function deleteDatabase(file: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

const decode = (body: Buffer) => JSON.parse(gunzipSync(body).toString("utf8")) as { payload: { sequence: number } };

describe("batch sequences of a new database", () => {
  it("start at the database's creation time in ms, written to the main file at once", () => {
    const file = join(tempDir(), "agent.sqlite");
    const before = Date.now();
    const store = new AgentStore(file);
    const after = Date.now();
    const first = store.outbox.nextSequence();
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(after);
    expect(sealOne(store, 1, T0)).toBe(first);
    expect(sealOne(store, 2, T0 + 1000)).toBe(first + 1);
    // Checkpointed with the open mark: a WAL removed later cannot take the start back to nothing.
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'next_sequence'").pluck().get()).toBeDefined();
    raw.close();
    store.close();
  });

  it("of a database deleted and made again on the same boot start above every sequence the old one used", () => {
    const file = join(tempDir(), "agent.sqlite");
    const old = new AgentStore(file, { now: () => T0 });
    // 50 minutes of 10 s pushes: one sequence per seal against 10,000 ms between seals.
    const used = Array.from({ length: 300 }, (_, i) => sealOne(old, i, T0 + i * 10_000));
    old.close();
    deleteDatabase(file);
    const again = new AgentStore(file, { now: () => T0 + 300 * 10_000 });
    const next = sealOne(again, 0, T0 + 301 * 10_000);
    expect(next).toBe(T0 + 300 * 10_000);
    expect(next).toBeGreaterThan(Math.max(...used));
    again.close();
  });

  it("keep going from where an existing database was, and start at the clock in one that never sealed", () => {
    const dir = tempDir();
    const sealed = join(dir, "sealed.sqlite");
    const v5 = openDatabase(sealed, agentMigrations);
    v5.exec("INSERT INTO meta (key, value) VALUES ('next_sequence', '43'), ('open_state', 'closed')");
    v5.close();
    const store = new AgentStore(sealed, { now: () => T0 });
    expect(sealOne(store, 1, T0)).toBe(43);
    store.close();

    const never = join(dir, "never.sqlite");
    openDatabase(never, agentMigrations).close();
    const fresh = new AgentStore(never, { now: () => T0 });
    expect(fresh.outbox.nextSequence()).toBe(T0);
    fresh.close();
  });
});

describe("a pulling hub that asks past every sequence this database issued", () => {
  /**
   * The old database numbered from T0 and the hub stored up to T0 + 5; the new one was made while the
   * clock was an hour behind (or restored from an older backup), so its sequences are below the hub's.
   */
  function behindTheHub() {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"), { now: () => T0 - 3_600_000 });
    const sequences = [1, 2, 3].map((v) => sealOne(store, v, T0 + v * 1000));
    return { store, sequences, hubAfter: T0 + 5 };
  }

  it("renumbers the batches after the hub's sequence instead of forgetting them unsent, bodies included", () => {
    const { store, sequences, hubAfter } = behindTheHub();
    expect(sequences).toEqual([T0 - 3_600_000, T0 - 3_600_000 + 1, T0 - 3_600_000 + 2]);
    expect(store.outbox.acknowledgeUpTo(hubAfter)).toBe(0);
    const page = store.outbox.batchesAfter(hubAfter, 10);
    expect(page.batches.map((b) => [b.sequence, b.samples[0]?.value])).toEqual([
      [hubAfter + 1, 1],
      [hubAfter + 2, 2],
      [hubAfter + 3, 3],
    ]);
    // The body a push would send carries the new number too.
    expect(decode(store.outbox.oldest()?.body as Buffer).payload.sequence).toBe(hubAfter + 1);
    expect(store.outbox.stats()).toMatchObject({ batches: 3, samples: 3, droppedBatchesTotal: 0 });
    // New seals follow on, and the hub's next request acknowledges as usual.
    expect(sealOne(store, 4, T0 + 4000)).toBe(hubAfter + 4);
    expect(store.outbox.acknowledgeUpTo(hubAfter + 3)).toBe(3);
    expect(store.outbox.batchesAfter(hubAfter + 3, 10).batches.map((b) => b.sequence)).toEqual([hubAfter + 4]);
    store.close();
  });

  it("renumbers a rejected batch with the rest but still never serves it, and moves an empty outbox's next sequence", () => {
    const { store, sequences, hubAfter } = behindTheHub();
    store.outbox.reject(sequences[0] as number, "hub answered 400 INGEST_SCHEMA");
    store.outbox.acknowledgeUpTo(hubAfter);
    expect(store.outbox.batchesAfter(hubAfter, 10).batches.map((b) => b.sequence)).toEqual([hubAfter + 2, hubAfter + 3]);
    expect(store.outbox.stats()).toMatchObject({ batches: 2, rejected: 1 });

    const empty = new AgentStore(join(tempDir(), "agent.sqlite"), { now: () => T0 - 3_600_000 });
    expect(empty.outbox.acknowledgeUpTo(hubAfter)).toBe(0);
    expect(empty.outbox.nextSequence()).toBe(hubAfter + 1);
    expect(sealOne(empty, 1, T0)).toBe(hubAfter + 1);
    empty.close();
    store.close();
  });

  it("acknowledges normally when the hub asks after the newest sequence issued, even with nothing left", () => {
    const { store, sequences } = behindTheHub();
    const newest = sequences[2] as number;
    expect(store.outbox.acknowledgeUpTo(newest)).toBe(3);
    expect(store.outbox.nextSequence()).toBe(newest + 1);
    expect(store.outbox.batchesAfter(newest, 10).batches).toEqual([]);
    store.close();
  });
});
