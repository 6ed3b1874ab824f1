import { existsSync } from "node:fs";
import { canonicalLabels } from "../../shared/labels.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { Observations } from "../collectors/collector.ts";
import { SampleHistory } from "./history.ts";
import { openCheckedDatabase } from "./integrity.ts";
import { LatestValues } from "./latest.ts";
import { MetaTable } from "./meta.ts";
import { agentMigrations } from "./migrations.ts";
import { Outbox, type SealOptions, type SealResult } from "./outbox.ts";

export type { OutboxBatch, OutboxStats } from "./outbox.ts";

/**
 * How far the batch sequence jumps when the database lost its write-ahead log. Sequences need only be
 * unique and increasing; one WAL holds at most a few hundred seals between checkpoints (1000 pages,
 * at least two per seal), so this is far past any sequence the lost log could have handed out.
 */
export const SEQUENCE_SKIP_AFTER_LOST_WAL = 100_000;

/**
 * Where a new database's batch sequences start: the clock, in milliseconds. The hub knows a batch by
 * (agent, boot, sequence), so a database deleted and made again on a host that did not reboot must not
 * number from 1 again: the hub would take its first batches for ones it already stored (push), and a
 * pulling hub's `after=` would be past all of them. Sequences grow by one per seal (one per push
 * interval, seconds apart), so a database made later starts above every sequence an earlier one used,
 * without knowing anything about it, and an older hub needs no change. The alternative, a random stream
 * id sent with each batch and kept by the hub like a boot id, is safe from clock steps too but needs a
 * new field, a hub migration and both ends upgraded. What a clock set back can still do: push collides
 * only when the new start lands within about a minute (one millisecond per seal of a 7-day dedup window
 * at 10 s) of the old database's last sequences, which takes a clock set back by nearly the old
 * database's age; a pulling hub past the new sequences is handled by Outbox.acknowledgeUpTo, which
 * renumbers instead of forgetting.
 */
export function firstSequence(now: number): number {
  return Math.max(1, Math.floor(now));
}

/**
 * The agent's local SQLite store (WAL, synchronous=NORMAL, busy timeout, migrations in code): pending
 * observations and the outbox of sealed batches, the latest values, the local history, the action
 * audit. Each collection is written in one transaction with prepared statements.
 */
export class AgentStore {
  readonly db: Db;
  readonly file: string;
  readonly meta: MetaTable;
  readonly outbox: Outbox;
  readonly latest: LatestValues;
  readonly history: SampleHistory;
  /** True when this start found the write-ahead log of an unclean stop missing (see SEQUENCE_SKIP_AFTER_LOST_WAL). */
  readonly lostWal: boolean;
  readonly #record;

  constructor(file: string, opts: { now?: () => number } = {}) {
    this.file = file;
    const walExisted = file !== ":memory:" && existsSync(`${file}-wal`);
    this.db = openCheckedDatabase(file, agentMigrations);
    this.meta = new MetaTable(this.db);
    this.outbox = new Outbox(this.db, this.meta);
    this.latest = new LatestValues(this.db);
    this.history = new SampleHistory(this.db);
    this.lostWal = this.#markOpen(walExisted, (opts.now ?? Date.now)());
    this.#record = this.db.transaction((obs: Observations, collectedAt: number) => {
      this.outbox.addPending(obs, collectedAt);
      for (const s of obs.samples) {
        const labels = canonicalLabels(s.labels);
        this.latest.recordSample(s, labels);
        this.history.recordSample(s, labels);
      }
      for (const s of obs.states) {
        const labels = canonicalLabels(s.labels);
        if (this.latest.recordState(s, labels)) this.history.recordStateChange(s, labels);
      }
    });
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  /**
   * Stores one collection's observations: pending for the next batch, the latest values and the
   * history, in one transaction. They must have passed checkObservations (the scheduler does it),
   * as SQLite refuses a NaN value.
   */
  recordObservations(obs: Observations, collectedAt: number): void {
    if (obs.samples.length === 0 && obs.states.length === 0) return;
    try {
      this.#record(obs, collectedAt);
    } catch (err) {
      this.history.forgetCachedSeries(); // series rows created by the failed transaction are gone
      throw err;
    }
  }

  /** Seals everything pending into one outbox batch and trims the outbox to its bound. */
  sealBatch(host: HostIdentity, pushIntervalMs: number, now: number, opts: SealOptions): SealResult {
    return this.outbox.seal(host, pushIntervalMs, now, opts);
  }

  close(): void {
    this.meta.set("open_state", "closed");
    this.db.close();
  }

  /**
   * Records that the database is in use, checkpointed at once so the mark is in the main file. A
   * start that finds the mark of a run that never closed, but no write-ahead log beside the file,
   * knows the log was removed: what it held (the newest batches, the sequence counter) is gone, and
   * the sequence must skip ahead, or new batches would reuse sequences the hub already stored for this
   * boot and be acknowledged as duplicates, that is, silently lost.
   */
  #markOpen(walExisted: boolean, now: number): boolean {
    const lost = this.meta.get("open_state") === "running" && !walExisted;
    const next = this.meta.get("next_sequence");
    // Absent in a new database, or in one that never sealed (then the lost log, if any, held no sequence).
    if (next === undefined) this.meta.set("next_sequence", String(firstSequence(now)));
    else if (lost) this.meta.set("next_sequence", String(Number(next) + SEQUENCE_SKIP_AFTER_LOST_WAL));
    this.meta.set("open_state", "running");
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    return lost;
  }
}
