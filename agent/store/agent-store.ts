import { gzipSync } from "node:zlib";
import { canonicalLabels } from "../../shared/labels.ts";
import { wrap } from "../../shared/protocol/envelope.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import { type Db, openDatabase } from "../../shared/sqlite/open-database.ts";
import type { Observations } from "../collectors/collector.ts";
import { checkObservations } from "../collectors/check-observations.ts";
import { agentMigrations } from "./migrations.ts";

/** A sealed batch waiting in the outbox. `body` is the gzip-compressed JSON envelope, sent as is. */
export interface OutboxBatch {
  sequence: number;
  bootId: string;
  sealedAt: number;
  sampleCount: number;
  stateCount: number;
  body: Buffer;
  attempts: number;
}

export interface OutboxStats {
  batches: number;
  samples: number;
  oldestSealedAt: number | null;
  rejected: number;
}

/**
 * The agent's local SQLite store (WAL). Collections land in `pending`; sealing turns everything
 * pending into one outbox batch with the next sequence number, in one transaction, so a crash
 * never loses or duplicates an observation; the batch leaves the outbox only when the hub acknowledges it.
 */
export class AgentStore {
  readonly db: Db;
  readonly #insertPending;
  readonly #upsertSample;
  readonly #upsertState;
  readonly #oldest;
  readonly #delete;
  readonly #getMeta;
  readonly #setMeta;
  readonly #pendingRows;
  readonly #anyQueued;
  readonly #insertOutbox;
  readonly #deletePendingUpTo;

  constructor(file: string) {
    this.db = openDatabase(file, agentMigrations);
    this.#insertPending = this.db.prepare("INSERT INTO pending (collected_at, body) VALUES (?, ?)");
    this.#upsertSample = this.db.prepare(
      `INSERT INTO latest_samples (name, labels, timestamp, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET timestamp = excluded.timestamp, value = excluded.value
       WHERE excluded.timestamp >= latest_samples.timestamp`,
    );
    this.#upsertState = this.db.prepare(
      `INSERT INTO latest_states (name, labels, timestamp, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET timestamp = excluded.timestamp, state = excluded.state
       WHERE excluded.timestamp >= latest_states.timestamp`,
    );
    this.#oldest = this.db.prepare(
      `SELECT sequence, boot_id AS bootId, sealed_at AS sealedAt, sample_count AS sampleCount,
              state_count AS stateCount, body, attempts
       FROM outbox WHERE rejected IS NULL ORDER BY sequence LIMIT 1`,
    );
    this.#delete = this.db.prepare("DELETE FROM outbox WHERE sequence = ?");
    this.#getMeta = this.db.prepare("SELECT value FROM meta WHERE key = ?").pluck();
    this.#setMeta = this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.#pendingRows = this.db.prepare("SELECT id, body FROM pending ORDER BY id");
    this.#anyQueued = this.db.prepare("SELECT 1 FROM outbox WHERE rejected IS NULL LIMIT 1");
    this.#insertOutbox = this.db.prepare(
      "INSERT INTO outbox (sequence, boot_id, sealed_at, sample_count, state_count, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#deletePendingUpTo = this.db.prepare("DELETE FROM pending WHERE id <= ?");
  }

  getMeta(key: string): string | undefined {
    return this.#getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#setMeta.run(key, value);
  }

  /**
   * Stores one collection's observations: pending for the next batch, and the latest values. They must
   * have passed checkObservations (the scheduler does it), as SQLite refuses a NaN value.
   */
  recordObservations(obs: Observations, collectedAt: number): void {
    if (obs.samples.length === 0 && obs.states.length === 0) return;
    this.db.transaction(() => {
      this.#insertPending.run(collectedAt, JSON.stringify(obs));
      for (const s of obs.samples) this.#upsertSample.run(s.name, canonicalLabels(s.labels), s.timestamp, s.value);
      for (const s of obs.states) this.#upsertState.run(s.name, canonicalLabels(s.labels), s.timestamp, s.state);
    })();
  }

  /**
   * Seals everything pending into one outbox batch. With nothing pending, an empty batch is sealed
   * only when the outbox is empty, as a heartbeat; otherwise nothing happens. Returns the sequence sealed.
   */
  sealBatch(host: HostIdentity, pushIntervalMs: number, now: number): number | null {
    return this.db.transaction((): number | null => {
      const rows = this.#pendingRows.all() as Array<{ id: number; body: string }>;
      if (rows.length === 0) {
        const queued = this.#anyQueued.get();
        if (queued) return null;
      }
      const samples: Observations["samples"] = [];
      const states: Observations["states"] = [];
      for (const row of rows) {
        const obs = JSON.parse(row.body) as Observations;
        samples.push(...obs.samples);
        states.push(...obs.states);
      }
      const sequence = Number(this.getMeta("next_sequence") ?? "1");
      const envelope = sealable(host, sequence, now, pushIntervalMs, { samples, states });
      const body = gzipSync(JSON.stringify(envelope));
      this.#insertOutbox.run(sequence, host.bootId, now, samples.length, states.length, body);
      if (rows.length > 0) this.#deletePendingUpTo.run(rows[rows.length - 1]?.id);
      this.setMeta("next_sequence", String(sequence + 1));
      return sequence;
    })();
  }

  /** The oldest batch still to send, or undefined when the outbox is drained. */
  oldestBatch(): OutboxBatch | undefined {
    return this.#oldest.get() as OutboxBatch | undefined;
  }

  /** The hub stored (or already had) this batch: it leaves the outbox. */
  acknowledge(sequence: number): void {
    this.#delete.run(sequence);
  }

  noteAttempt(sequence: number): void {
    this.db.prepare("UPDATE outbox SET attempts = attempts + 1 WHERE sequence = ?").run(sequence);
  }

  /** The hub refused the batch as invalid: keep it for inspection, never resend it. */
  reject(sequence: number, reason: string): void {
    this.db.prepare("UPDATE outbox SET rejected = ? WHERE sequence = ?").run(reason.slice(0, 2000), sequence);
  }

  outboxStats(): OutboxStats {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) FILTER (WHERE rejected IS NULL) AS batches,
                COALESCE(SUM(sample_count) FILTER (WHERE rejected IS NULL), 0) AS samples,
                MIN(sealed_at) FILTER (WHERE rejected IS NULL) AS oldestSealedAt,
                COUNT(*) FILTER (WHERE rejected IS NOT NULL) AS rejected
         FROM outbox`,
      )
      .get() as OutboxStats;
    return row;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The batch envelope, validated. Observations are checked as they are collected, so this normally
 * succeeds at once; should anything invalid have reached `pending` anyway, it is filtered out here
 * rather than making every later seal fail and the agent stop pushing for good.
 */
function sealable(host: HostIdentity, sequence: number, sealedAt: number, pushIntervalMs: number, obs: Observations) {
  try {
    return wrap("sample_batch", { host, sequence, sealedAt, pushIntervalMs, ...obs });
  } catch {
    return wrap("sample_batch", { host, sequence, sealedAt, pushIntervalMs, ...checkObservations(obs).valid });
  }
}
