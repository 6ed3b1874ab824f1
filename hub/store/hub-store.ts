import type { Logger } from "../../shared/log/logger.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import { type Db, openDatabase } from "../../shared/sqlite/open-database.ts";
import { type BatchResult, BatchWriter, type IngestOutcome, type ReceivedBatch } from "./batch-writer.ts";
import { LatestValues } from "./latest-values.ts";
import { StorageMaintenance } from "./maintenance.ts";
import { hubMigrations } from "./migrations.ts";
import { Retention } from "./retention.ts";
import { RollupProgress } from "./rollup-progress.ts";
import { Rollups } from "./rollups.ts";
import { SeriesIds } from "./series-ids.ts";
import { SeriesReader } from "./series-reader.ts";
import { DEFAULT_STORAGE, type StorageOptions } from "./storage-options.ts";
import { HOUR_MS, MINUTE_MS } from "./time-buckets.ts";
import { WalCheckpointer } from "./wal-checkpointer.ts";

export type { BatchResult, IngestOutcome, ReceivedBatch };

/**
 * The hub's SQLite store (WAL), opened by one connection on the hub's main thread.
 *
 * Writes: `ingestGroup` stores many batches in one transaction (the ingest route's group commit),
 * `ingest` one batch alone (pull mode, tools). Either way each batch is stored wholly once, keyed by
 * (agent, boot, sequence). Reads: `latestSamples`/`latestStates` (instant, one row per series) and
 * `series` (history: raw samples and rollups). Background work: `maintenance()` rolls up and expires.
 */
export class HubStore {
  readonly db: Db;
  readonly options: StorageOptions;
  /** History of series: raw samples and rollups (see SeriesReader). */
  readonly series: SeriesReader;
  readonly rollups: Rollups;
  readonly retention: Retention;
  readonly #seriesIds: SeriesIds;
  readonly #writer: BatchWriter;
  readonly #latest: LatestValues;
  readonly #progress: RollupProgress;
  readonly #storedObservers: Array<(batch: SampleBatch, receivedAt: number) => void> = [];

  constructor(file: string, options: StorageOptions = DEFAULT_STORAGE) {
    this.db = openDatabase(file, hubMigrations);
    this.options = options;
    this.db.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
    const progress = new RollupProgress(this.db);
    this.#progress = progress;
    this.#seriesIds = new SeriesIds(this.db);
    this.#writer = new BatchWriter({ db: this.db, seriesIds: this.#seriesIds, progress, rawRetentionMs: options.retention.rawMs });
    this.#latest = new LatestValues(this.db);
    this.series = new SeriesReader(this.db);
    this.rollups = new Rollups({ db: this.db, progress, delayMs: options.rollupDelayMs, rawRetentionMs: options.retention.rawMs });
    this.retention = new Retention(this.db, options.retention, progress);
  }

  /** Stores one validated batch in its own transaction. A batch seen before only refreshes the host's last-seen time. */
  ingest(batch: SampleBatch, now: number): IngestOutcome {
    const [result] = this.#write([{ batch, receivedAt: now }]);
    if (!result) throw new Error("ingest: the writer returned no result");
    if (!result.ok) throw result.error;
    return result.outcome;
  }

  /**
   * Stores validated batches in one transaction and returns one result per batch, in order: a batch
   * that fails does so alone. Throws (and stores nothing) only if the transaction cannot commit.
   */
  ingestGroup(items: readonly ReceivedBatch[]): BatchResult[] {
    return this.#write(items);
  }

  /**
   * Calls `observer` after each commit, once per batch stored for the first time (not for
   * duplicates or failed batches), pushed or pulled: alert evaluation (hub/rules) hooks in here.
   * Observers run synchronously after the data is durable and must not throw.
   */
  onBatchStored(observer: (batch: SampleBatch, receivedAt: number) => void): void {
    this.#storedObservers.push(observer);
  }

  #write(items: readonly ReceivedBatch[]): BatchResult[] {
    const results = this.#writer.writeGroup(items);
    if (this.#storedObservers.length === 0) return results;
    results.forEach((r, i) => {
      const item = items[i];
      if (!r.ok || r.outcome.duplicate || !item) return;
      for (const observe of this.#storedObservers) observe(item.batch, item.receivedAt);
    });
    return results;
  }

  latestSamples(hostId: string): NumericSample[] {
    return this.#latest.samples(hostId);
  }

  latestStates(hostId: string): StateRecord[] {
    return this.#latest.states(hostId);
  }

  /**
   * Starts what a running hub does beside ingest: rollups and retention in short steps, and WAL
   * checkpoints on a worker thread (wal-checkpointer.ts). Tests and tools that only read or write
   * leave it off and keep SQLite's own checkpoints.
   */
  startBackground(logger: Logger): { stop(): Promise<void> } {
    const maintenance = this.maintenance(logger);
    const checkpointer = new WalCheckpointer({ db: this.db, logger });
    maintenance.start();
    return {
      stop: async () => {
        maintenance.stop();
        await checkpointer.stop();
      },
    };
  }

  /** The rollup and retention loop over this store (not started). */
  maintenance(logger: Logger, now?: () => number): StorageMaintenance {
    return new StorageMaintenance({
      jobs: [
        { name: "rollup", step: (t) => this.rollups.step(t) },
        { name: "retention", step: (t) => this.retention.step(t) },
      ],
      logger,
      ...(now ? { now } : {}),
    });
  }

  /**
   * Up to when (ms, exclusive) each rollup is complete: 1-minute rollups exist for every minute
   * before `rollup1m`, 1-hour ones before `rollup1h`; null before the first rollup. Newer data is
   * read from the finer resolution.
   */
  rolledUpUntil(): { rollup1m: number | null; rollup1h: number | null } {
    const m = this.#progress.doneUntil("1m");
    const h = this.#progress.doneUntil("1h");
    return { rollup1m: m === null ? null : m * MINUTE_MS, rollup1h: h === null ? null : h * HOUR_MS };
  }

  /** Series ids held in memory (one per series written since the hub started). */
  get cachedSeries(): number {
    return this.#seriesIds.size;
  }

  close(): void {
    this.db.close();
  }
}
