import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { DatabaseOpenError } from "../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
const obs = (value: number, ts: number) => ({ samples: [{ name: "vigil_load1", labels: {}, timestamp: ts, value }], states: [] });

function decode(body: Buffer) {
  return JSON.parse(gunzipSync(body).toString()) as { kind: string; payload: { sequence: number; samples: Array<{ value: number }> } };
}

describe("AgentStore", () => {
  it("runs in WAL mode", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    store.close();
  });

  it("seals all pending observations into one batch with increasing sequences", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    store.recordObservations(obs(1, 1000), 1000);
    store.recordObservations(obs(2, 2000), 2000);
    expect(store.sealBatch(host, 10_000, 3000)).toBe(1);
    store.recordObservations(obs(3, 4000), 4000);
    expect(store.sealBatch(host, 10_000, 5000)).toBe(2);
    const first = store.oldestBatch();
    expect(first?.sequence).toBe(1);
    expect(first?.sampleCount).toBe(2);
    const env = decode(first?.body as Buffer);
    expect(env.kind).toBe("sample_batch");
    expect(env.payload.samples.map((s) => s.value)).toEqual([1, 2]);
    store.acknowledge(1);
    expect(store.oldestBatch()?.sequence).toBe(2);
    store.close();
  });

  it("seals an empty heartbeat batch only when nothing else is queued", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    expect(store.sealBatch(host, 10_000, 1000)).toBe(1);
    expect(store.sealBatch(host, 10_000, 2000)).toBeNull();
    expect(store.outboxStats().batches).toBe(1);
    store.close();
  });

  it("keeps the outbox and the sequence across a restart", () => {
    const file = join(tempDir(), "agent.sqlite");
    const a = new AgentStore(file);
    a.recordObservations(obs(1, 1000), 1000);
    a.sealBatch(host, 10_000, 1000);
    a.recordObservations(obs(2, 2000), 2000); // pending, not sealed when the process stops
    a.close();
    const b = new AgentStore(file);
    expect(b.sealBatch(host, 10_000, 3000)).toBe(2);
    expect(b.outboxStats()).toEqual({ batches: 2, samples: 2, oldestSealedAt: 1000, rejected: 0 });
    b.close();
  });

  it("never resends a rejected batch but keeps it for inspection", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    store.recordObservations(obs(1, 1000), 1000);
    store.sealBatch(host, 10_000, 1000);
    store.reject(1, "hub answered 400 INGEST_SCHEMA");
    expect(store.oldestBatch()).toBeUndefined();
    expect(store.outboxStats().rejected).toBe(1);
    store.close();
  });

  it("refuses a file that is not a database with a clear error naming it", () => {
    const file = join(tempDir(), "agent.sqlite");
    writeFileSync(file, "this is not a sqlite database, just text ".repeat(200));
    expect(() => new AgentStore(file)).toThrow(DatabaseOpenError);
    expect(() => new AgentStore(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: .*(not a database|damaged)`));
  });

  it("refuses a database written by a newer build", () => {
    const file = join(tempDir(), "agent.sqlite");
    const raw = new Database(file);
    raw.pragma("user_version = 99");
    raw.close();
    expect(() => new AgentStore(file)).toThrow(/schema version 99 is newer than this build understands \(1\)/);
  });

  it("still seals when a pending row holds an invalid observation, leaving only that one out", () => {
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    // As an older build might have left it: JSON turns NaN into null.
    const row = { samples: [...obs(1, 1000).samples, { name: "vigil_bad", labels: {}, timestamp: 1000, value: null }], states: [] };
    store.db.prepare("INSERT INTO pending (collected_at, body) VALUES (?, ?)").run(1000, JSON.stringify(row));
    expect(store.sealBatch(host, 10_000, 2000)).toBe(1);
    expect(decode(store.oldestBatch()?.body as Buffer).payload.samples.map((s) => s.value)).toEqual([1]);
    store.close();
  });
});
