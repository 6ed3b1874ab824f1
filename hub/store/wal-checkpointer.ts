import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

export interface CheckpointReport {
  mode: "PASSIVE" | "RESTART";
  /** Frames in the WAL and how many of them are now in the database file (PRAGMA wal_checkpoint). */
  log: number;
  checkpointed: number;
  /** True when the writer had to wait (RESTART could not get the lock): tried again later. */
  busy: boolean;
  ms: number;
}

export interface WalCheckpointerOptions {
  db: Db;
  logger: Logger;
  everyMs?: number;
  /** WAL frames (pages) beyond which the WAL is restarted from its beginning. */
  restartAtFrames?: number;
  onReport?: (r: CheckpointReport) => void;
}

// The worker, inlined so it needs no file of its own in src/ and dist/ alike (CommonJS, as eval'd workers are).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 200");
// Prepared once: db.pragma() prepares a statement per call, whose native memory waits for a collection
// this quiet thread seldom runs (RSS grew ~1 KiB per checkpoint, shared/sqlite/statement-cache.ts).
const statements = { PASSIVE: db.prepare("PRAGMA wal_checkpoint(PASSIVE)"), RESTART: db.prepare("PRAGMA wal_checkpoint(RESTART)") };
const checkpoint = (mode) => {
  const started = performance.now();
  const r = statements[mode].get();
  return { mode, log: r.log, checkpointed: r.checkpointed, busy: r.busy === 1, ms: performance.now() - started };
};
const run = () => {
  try {
    const passive = checkpoint("PASSIVE");
    parentPort.postMessage(passive);
    if (passive.log >= workerData.restartAtFrames) parentPort.postMessage(checkpoint("RESTART"));
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on("message", (m) => { if (m === "stop") { clearInterval(timer); run(); db.close(); parentPort.close(); } });
`;

/**
 * Copies the WAL into the database file from a worker thread, so the copying and the fsync it
 * needs do not run on the thread that serves requests. SQLite's automatic checkpoint runs inside
 * the commit that crosses 1,000 pages, on the committing thread: measured here 3-22 ms per fsync,
 * far more when the disk is busy, and no request is read or answered meanwhile.
 *
 * A PASSIVE checkpoint every second takes no lock a writer needs. But the WAL only starts over from
 * its beginning when a transaction begins with every frame copied, which a hub committing every few
 * milliseconds never offers: the WAL grew to 1.4 GB in the 10,000-agent benchmark. So past
 * `restartAtFrames` a RESTART checkpoint waits for a gap between commits and holds the writer
 * until it is done; by then the PASSIVE ones have copied nearly everything, so that stall is short
 * and comes once per 64 MB of WAL instead of once per 4 MB. journal_size_limit cuts the file back.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #db: Db;
  #lastError = "";

  constructor(o: WalCheckpointerOptions) {
    this.#db = o.db;
    const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
    const restartAtFrames = o.restartAtFrames ?? 16_384;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: o.db.name, sqlite, everyMs: o.everyMs ?? 1000, restartAtFrames },
    });
    this.#worker.unref();
    o.db.pragma("wal_autocheckpoint = 0");
    o.db.pragma(`journal_size_limit = ${restartAtFrames * 4096}`);
    this.#worker.on("message", (m: CheckpointReport | { error: string }) => {
      if ("error" in m) {
        if (m.error !== this.#lastError) o.logger.warn("WAL checkpoint failed; retrying", { error: m.error });
        this.#lastError = m.error;
        return;
      }
      this.#lastError = "";
      o.onReport?.(m);
    });
    this.#worker.on("error", (err) => {
      // Without the worker, the store's connection checkpoints again by itself.
      o.logger.error("the WAL checkpoint thread stopped; checkpoints are back on the main thread", { err });
      this.#restoreAutoCheckpoint();
    });
  }

  /** Stops after a last checkpoint; the store's connection checkpoints by itself again. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    this.#worker.postMessage("stop");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.#restoreAutoCheckpoint();
  }

  #restoreAutoCheckpoint(): void {
    if (this.#db.open) this.#db.pragma("wal_autocheckpoint = 1000");
  }
}
