import { canonicalLabels } from "../../shared/labels.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { NumericSample } from "../../shared/protocol/samples.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { MultiRowStatement } from "./multi-row.ts";
import type { RollupProgress } from "./rollup-progress.ts";
import type { SeriesIds } from "./series-ids.ts";
import { MINUTE_MS } from "./time-buckets.ts";

/** A validated batch and when the hub received it (its clock). */
export interface ReceivedBatch {
  batch: SampleBatch;
  receivedAt: number;
}

export interface IngestOutcome {
  duplicate: boolean;
  storedSamples: number;
  storedStates: number;
  /** Samples older than the raw retention, not stored: they would be deleted at once and could not be rolled up whole. */
  tooOldSamples: number;
}

/** One batch's result inside a group: stored (or a duplicate), or failed alone. */
export type BatchResult = { ok: true; outcome: IngestOutcome } | { ok: false; error: unknown };

export interface BatchWriterOptions {
  db: Db;
  seriesIds: SeriesIds;
  progress: RollupProgress;
  /** How long raw samples are kept (storage.retention.raw). */
  rawRetentionMs: number;
}

/**
 * Writes batches. A group of batches is one transaction (one commit, one fsync at checkpoint
 * time), and each batch inside it is a savepoint: a batch that fails rolls back alone, its
 * neighbours are stored. Each batch is recorded under (agent, boot, sequence) in the same
 * savepoint as its samples, so it is stored once, wholly, or not at all.
 */
export class BatchWriter {
  readonly #db: Db;
  readonly #seriesIds: SeriesIds;
  readonly #progress: RollupProgress;
  readonly #rawRetentionMs: number;
  readonly #markBatch;
  readonly #touchHost;
  readonly #upsertHost;
  readonly #insertSamples;
  readonly #upsertLatest;
  readonly #upsertState;
  readonly #markLate;
  readonly #writeOneTx;

  constructor(o: BatchWriterOptions) {
    const db = o.db;
    this.#db = db;
    this.#seriesIds = o.seriesIds;
    this.#progress = o.progress;
    this.#rawRetentionMs = o.rawRetentionMs;
    this.#markBatch = db.prepare(
      "INSERT OR IGNORE INTO received_batches (agent_id, boot_id, sequence, received_at, sample_count) VALUES (?, ?, ?, ?, ?)",
    );
    this.#touchHost = db.prepare("UPDATE hosts SET last_seen = MAX(last_seen, ?) WHERE id = ?");
    // RETURNING first_seen tells the series cache whether this is still the host row it knows.
    this.#upsertHost = db
      .prepare(
        `INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen, last_sequence)
         VALUES (@id, @hostname, @labels, @agentVersion, @bootId, @pushIntervalMs, @now, @now, @sequence)
         ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, labels = excluded.labels,
           agent_version = excluded.agent_version, boot_id = excluded.boot_id,
           push_interval_ms = excluded.push_interval_ms, last_seen = MAX(hosts.last_seen, excluded.last_seen),
           last_sequence = MAX(hosts.last_sequence, excluded.last_sequence)
         RETURNING first_seen`,
      )
      .pluck();
    this.#insertSamples = new MultiRowStatement(db, "INSERT OR REPLACE INTO samples (minute, series_id, offset_ms, value) VALUES", 4);
    this.#upsertLatest = new MultiRowStatement(
      db,
      "INSERT INTO latest (series_id, timestamp, value) VALUES",
      3,
      `ON CONFLICT (series_id) DO UPDATE SET timestamp = excluded.timestamp, value = excluded.value
       WHERE excluded.timestamp >= latest.timestamp`,
    );
    this.#upsertState = db.prepare(
      `INSERT INTO states (host_id, name, labels, timestamp, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (host_id, name, labels) DO UPDATE SET timestamp = excluded.timestamp, state = excluded.state
       WHERE excluded.timestamp >= states.timestamp`,
    );
    this.#markLate = db.prepare(
      `INSERT INTO rollup_late_1m (minute, host_id, marked_at) VALUES (?, ?, ?)
       ON CONFLICT (minute, host_id) DO UPDATE SET marked_at = MAX(marked_at, excluded.marked_at)`,
    );
    // Called inside the group's transaction, better-sqlite3 makes this a savepoint.
    this.#writeOneTx = db.transaction((item: ReceivedBatch) => this.#writeOne(item));
  }

  /**
   * Stores a group in one transaction and returns one result per batch, in order. Throws only when
   * the transaction itself cannot commit (disk full, I/O error): then nothing of the group is stored.
   */
  writeGroup(items: readonly ReceivedBatch[]): BatchResult[] {
    const results: BatchResult[] = [];
    try {
      this.#db.transaction(() => {
        for (const item of items) {
          const mark = this.#seriesIds.mark();
          try {
            results.push({ ok: true, outcome: this.#writeOneTx(item) });
          } catch (error) {
            this.#seriesIds.forgetSince(mark);
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (err) {
      this.#seriesIds.clear();
      throw err;
    }
    this.#seriesIds.committed();
    return results;
  }

  #writeOne({ batch, receivedAt }: ReceivedBatch): IngestOutcome {
    const { host } = batch;
    const oldest = receivedAt - this.#rawRetentionMs;
    const samples = batch.samples.some((s) => s.timestamp < oldest) ? batch.samples.filter((s) => s.timestamp >= oldest) : batch.samples;
    const tooOldSamples = batch.samples.length - samples.length;
    const fresh = this.#markBatch.run(host.agentId, host.bootId, batch.sequence, receivedAt, samples.length).changes === 1;
    if (!fresh) {
      this.#touchHost.run(receivedAt, host.agentId);
      return { duplicate: true, storedSamples: 0, storedStates: 0, tooOldSamples: 0 };
    }
    const firstSeen = this.#upsertHost.get({
      id: host.agentId,
      hostname: host.hostname,
      labels: canonicalLabels(host.labels),
      agentVersion: host.agentVersion,
      bootId: host.bootId,
      pushIntervalMs: batch.pushIntervalMs,
      now: receivedAt,
      sequence: batch.sequence,
    }) as number;
    this.#writeSamples(host.agentId, firstSeen, samples, receivedAt);
    for (const s of batch.states) this.#upsertState.run(host.agentId, s.name, canonicalLabels(s.labels), s.timestamp, s.state);
    return { duplicate: false, storedSamples: samples.length, storedStates: batch.states.length, tooOldSamples };
  }

  #writeSamples(hostId: string, firstSeen: number, samples: readonly NumericSample[], receivedAt: number): void {
    const cache = this.#seriesIds.host(hostId, firstSeen);
    const lateBefore = this.#progress.lateBefore("1m");
    const rows: number[] = [];
    const latest: number[] = [];
    let lateMinute: number | undefined;
    for (const s of samples) {
      const id = this.#seriesIds.resolve(cache, hostId, s.name, canonicalLabels(s.labels));
      const minute = Math.floor(s.timestamp / MINUTE_MS);
      rows.push(minute, id, s.timestamp - minute * MINUTE_MS, s.value);
      latest.push(id, s.timestamp, s.value);
      // Its minute is already rolled up: mark it, so the rollup job rolls the host's minute again.
      if (minute < lateBefore && minute !== lateMinute) {
        this.#markLate.run(minute, hostId, receivedAt);
        lateMinute = minute;
      }
    }
    this.#insertSamples.run(rows);
    this.#upsertLatest.run(latest);
  }
}
