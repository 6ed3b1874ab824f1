import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentStore, SEQUENCE_SKIP_AFTER_LOST_WAL } from "../../agent/store/agent-store.ts";
import { DatabaseOpenError } from "../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
const BIG = { maxBytes: 100_000_000 };

/** A database with some weight: 600 collections of 40 series, sealed into 60 outbox batches. */
function populated(file: string): AgentStore {
  const store = new AgentStore(file);
  for (let c = 0; c < 600; c++) {
    const ts = 1_790_000_000_000 + c * 1000;
    const samples = Array.from({ length: 40 }, (_, i) => ({
      name: "vigil_cpu_usage_percent",
      labels: { cpu: String(i) },
      timestamp: ts,
      value: (c * 7 + i) % 100,
    }));
    store.recordObservations({ samples, states: [] }, ts);
    if (c % 10 === 9) store.sealBatch(host, 10_000, ts, BIG);
  }
  return store;
}

function expectRefusal(file: string): DatabaseOpenError {
  let caught: unknown;
  try {
    new AgentStore(file).close();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DatabaseOpenError);
  const err = caught as DatabaseOpenError;
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  expect(err.message).toMatch(/damaged|malformed|not a database/);
  return err;
}

describe("the agent's database, damaged", () => {
  it("refuses a database truncated in the middle, naming the file and what to do, and leaves it as it was", () => {
    const file = join(tempDir(), "agent.sqlite");
    populated(file).close();
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(200_000);
    truncateSync(file, Math.floor(size / 2 / 4096) * 4096 + 1000);
    const before = readFileSync(file);
    const err = expectRefusal(file);
    expect(err.message).toContain("Move it aside (mv agent.sqlite agent.sqlite.damaged");
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses a database with a page of garbage in the middle", () => {
    const file = join(tempDir(), "agent.sqlite");
    populated(file).close();
    const bytes = readFileSync(file);
    const pages = bytes.length / 4096;
    const garbage = Buffer.alloc(4096, 0x5a);
    garbage.copy(bytes, Math.floor(pages / 2) * 4096);
    writeFileSync(file, bytes);
    expectRefusal(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it("refuses a file that is not a database at all", () => {
    const file = join(tempDir(), "agent.sqlite");
    writeFileSync(file, "this is not a sqlite database, just text ".repeat(200));
    expectRefusal(file);
  });

  it("recovers what was checkpointed when the write-ahead log of a crashed agent is removed, and never reuses a sequence", () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    const store = populated(live);
    const first = store.outbox.oldest()?.sequence as number; // the outbox holds every batch sealed so far
    const nth = (n: number) => first + n - 1;
    store.db.pragma("wal_checkpoint(TRUNCATE)");
    // Written after the checkpoint: only in the WAL.
    store.recordObservations(
      { samples: [{ name: "vigil_load1", labels: {}, timestamp: 1_790_001_000_000, value: 9 }], states: [] },
      1_790_001_000_000,
    );
    expect(store.sealBatch(host, 10_000, 1_790_001_000_000, BIG).sequence).toBe(nth(61));
    // The files as a SIGKILL would leave them.
    const [crashMain, crashWal] = [join(dir, "crash.main"), join(dir, "crash.wal")];
    copyFileSync(live, crashMain);
    copyFileSync(`${live}-wal`, crashWal);
    store.close();

    const crashed = join(dir, "agent.sqlite");
    copyFileSync(crashMain, crashed);
    copyFileSync(crashWal, `${crashed}-wal`);
    const intact = new AgentStore(crashed);
    expect(intact.lostWal).toBe(false);
    expect(intact.outbox.newest()?.sequence).toBe(nth(61));
    intact.close();

    copyFileSync(crashMain, crashed); // the same crash, with its WAL removed
    expect(existsSync(`${crashed}-wal`)).toBe(false);
    const recovered = new AgentStore(crashed);
    expect(recovered.lostWal).toBe(true);
    expect(recovered.outbox.stats().batches).toBe(60); // what the checkpoint held, intact
    expect(recovered.outbox.newest()?.sequence).toBe(nth(60));
    recovered.recordObservations(
      { samples: [{ name: "vigil_load1", labels: {}, timestamp: 1_790_002_000_000, value: 1 }], states: [] },
      1_790_002_000_000,
    );
    // The 61st batch may have reached the hub before the log was lost: the next batch must not reuse its sequence.
    expect(recovered.sealBatch(host, 10_000, 1_790_002_000_000, BIG).sequence).toBe(nth(61) + SEQUENCE_SKIP_AFTER_LOST_WAL);
    recovered.close();
    expect(new AgentStore(crashed).lostWal).toBe(false); // a clean close is not a loss
  });
});
