import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CheckpointReport, WalCheckpointer } from "../../../hub/store/wal-checkpointer.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeBatch, openStore, T0 } from "./helpers.ts";

const tempDir = useTempDirs();

function pushBatches(store: ReturnType<typeof openStore>, from: number, count: number): void {
  for (let seq = from; seq < from + count; seq++) {
    const samples = Array.from({ length: 200 }, (_, i) => ({
      name: "vigil_cpu_usage_percent",
      labels: { cpu: String(i) },
      t: T0 + seq * 10_000,
      value: seq,
    }));
    store.ingest(makeBatch({ sequence: seq, samples }), T0 + seq * 10_000);
  }
}

describe("WalCheckpointer", () => {
  it("copies the WAL into the database from its own thread while the store writes, then hands checkpoints back", async () => {
    const store = openStore(tempDir());
    const reports: CheckpointReport[] = [];
    const checkpointer = new WalCheckpointer({ db: store.db, everyMs: 50, logger: silentLogger, onReport: (r) => reports.push(r) });
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    pushBatches(store, 1, 20);
    // Every frame written so far ends up in the database file, checkpointed by the worker.
    const done = await waitFor(
      "a checkpoint of the whole WAL",
      () => reports.find((r) => r.log > 20 && r.checkpointed === r.log),
      10_000,
      20,
    );
    expect(done.mode).toBe("PASSIVE");
    await checkpointer.stop();
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(store.db.prepare("SELECT COUNT(*) FROM samples").pluck().get()).toBe(20 * 200);
    store.close();
  });

  it("starts the WAL over once it passes restartAtFrames, so it does not grow while writes never pause", async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const reports: CheckpointReport[] = [];
    const checkpointer = new WalCheckpointer({
      db: store.db,
      everyMs: 30,
      restartAtFrames: 60,
      logger: silentLogger,
      onReport: (r) => reports.push(r),
    });
    pushBatches(store, 1, 40);
    await waitFor("a RESTART checkpoint", () => reports.find((r) => r.mode === "RESTART" && !r.busy), 10_000, 20);
    const before = reports.length;
    // The next transaction writes from the start of the WAL, and the file is cut back to the limit.
    pushBatches(store, 41, 1);
    // A report of a checkpoint that was already under way when the restart landed may still show the old
    // log (seen on a loaded CI machine): wait for one that started after it, bounded.
    await waitFor(
      "a checkpoint of a WAL written from its start again",
      () => reports.slice(before).find((r) => r.mode === "PASSIVE" && r.log < 60),
      10_000,
      20,
    );
    expect(statSync(`${dir}/hub.sqlite-wal`).size).toBeLessThanOrEqual(60 * 4096 + 64 * 1024);
    await checkpointer.stop();
    store.close();
  });
});
