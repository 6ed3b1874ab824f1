import { gunzipSync, gzipSync } from "node:zlib";
import type { Envelope } from "../../shared/protocol/envelope.ts";
import { checkedBatch } from "../../shared/protocol/fast-check.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { checkObservations } from "../collectors/check-observations.ts";
import type { Observations } from "../collectors/collector.ts";
import type { MetaTable } from "./meta.ts";
import { renumberOutbox } from "./renumber-outbox.ts";

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
  /** Batches waiting to be delivered. */
  batches: number;
  samples: number;
  /** Bytes of every batch kept, rejected ones included (what the bound applies to). */
  bytes: number;
  oldestSealedAt: number | null;
  /** Batches the hub refused as invalid, kept for inspection. */
  rejected: number;
  /** Since the database was created (persisted): batches the hub refused, and unsent batches dropped at the bound. */
  rejectedTotal: number;
  droppedBatchesTotal: number;
  droppedSamplesTotal: number;
}

/** What one seal dropped to stay within the outbox bound. */
export interface DropReport {
  batches: number;
  samples: number;
  firstSequence: number;
  lastSequence: number;
}

export interface SealResult {
  /** The sequence sealed, or null when there was nothing to seal. */
  sequence: number | null;
  dropped: DropReport | null;
}

export interface SealOptions {
  /** The outbox bound in bytes (compressed batches); the oldest batches go first when it is passed. */
  maxBytes: number;
  /** Seal an empty batch when nothing is pending and the outbox is empty, so the hub sees the agent alive. Default true. */
  heartbeat?: boolean;
}

const COLUMNS = `sequence, boot_id AS bootId, sealed_at AS sealedAt, sample_count AS sampleCount,
                 state_count AS stateCount, body, attempts`;

/**
 * Pending observations and sealed batches. Sealing turns everything pending into one batch with
 * the next sequence number, in one transaction, so a crash never loses or duplicates an observation;
 * a batch leaves the outbox when the hub acknowledges it (push) or asks past it (pull), or, oldest
 * first, when the outbox passes its bound, which is counted and reported.
 */
/** What Outbox.acknowledgeUpTo did when a pulling hub asked past every sequence of this database. */
export interface OutboxRenumbering {
  batches: number;
  oldRange: [number, number] | null;
  newRange: [number, number] | null;
  previousNext: number;
  next: number;
}

export class Outbox {
  readonly #db: Db;
  readonly #meta: MetaTable;
  readonly #insertPending;
  readonly #pendingRows;
  readonly #deletePendingUpTo;
  readonly #anyQueued;
  readonly #insert;
  readonly #oldest;
  readonly #newest;
  readonly #bySequence;
  readonly #delete;
  readonly #deleteUpTo;
  readonly #noteAttempt;
  readonly #reject;
  readonly #totalBytes;
  readonly #oldestRows;
  readonly #after;
  readonly #stats;

  constructor(db: Db, meta: MetaTable) {
    this.#db = db;
    this.#meta = meta;
    this.#insertPending = db.prepare("INSERT INTO pending (collected_at, body) VALUES (?, ?)");
    this.#pendingRows = db.prepare("SELECT id, body FROM pending ORDER BY id");
    this.#deletePendingUpTo = db.prepare("DELETE FROM pending WHERE id <= ?");
    this.#anyQueued = db.prepare("SELECT 1 FROM outbox WHERE rejected IS NULL LIMIT 1");
    this.#insert = db.prepare(
      "INSERT INTO outbox (sequence, boot_id, sealed_at, sample_count, state_count, body, body_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.#oldest = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE rejected IS NULL ORDER BY sequence LIMIT 1`);
    this.#newest = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE rejected IS NULL ORDER BY sequence DESC LIMIT 1`);
    this.#bySequence = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE sequence = ? AND rejected IS NULL`);
    this.#delete = db.prepare("DELETE FROM outbox WHERE sequence = ?");
    this.#deleteUpTo = db.prepare("DELETE FROM outbox WHERE sequence <= ?");
    this.#noteAttempt = db.prepare("UPDATE outbox SET attempts = attempts + 1 WHERE sequence = ?");
    this.#reject = db.prepare("UPDATE outbox SET rejected = ? WHERE sequence = ? AND rejected IS NULL");
    this.#totalBytes = db.prepare("SELECT COALESCE(SUM(body_bytes), 0) FROM outbox").pluck();
    this.#oldestRows = db.prepare(
      "SELECT sequence, body_bytes AS bytes, sample_count AS samples, rejected IS NOT NULL AS rejected FROM outbox ORDER BY sequence LIMIT 500",
    );
    this.#stats = db.prepare(
      `SELECT COUNT(*) FILTER (WHERE rejected IS NULL) AS batches,
              COALESCE(SUM(sample_count) FILTER (WHERE rejected IS NULL), 0) AS samples,
              COALESCE(SUM(body_bytes), 0) AS bytes,
              MIN(sealed_at) FILTER (WHERE rejected IS NULL) AS oldestSealedAt,
              COUNT(*) FILTER (WHERE rejected IS NOT NULL) AS rejected
       FROM outbox`,
    );
    this.#after = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE sequence > ? AND rejected IS NULL ORDER BY sequence LIMIT ?`);
  }

  /** Keeps one collection for the next batch; call inside the caller's transaction. */
  addPending(obs: Observations, collectedAt: number): void {
    this.#insertPending.run(collectedAt, JSON.stringify(obs));
  }

  /** Seals everything pending into one batch, then trims the outbox to its bound. */
  seal(host: HostIdentity, pushIntervalMs: number, now: number, opts: SealOptions): SealResult {
    return this.#db.transaction((): SealResult => {
      const rows = this.#pendingRows.all() as Array<{ id: number; body: string }>;
      if (rows.length === 0 && (opts.heartbeat === false || this.#anyQueued.get())) return { sequence: null, dropped: null };
      const samples: Observations["samples"] = [];
      const states: Observations["states"] = [];
      for (const row of rows) {
        const obs = JSON.parse(row.body) as Observations;
        samples.push(...obs.samples);
        states.push(...obs.states);
      }
      const sequence = this.nextSequence();
      const envelope = sealable(host, sequence, now, pushIntervalMs, { samples, states });
      const body = gzipSync(JSON.stringify(envelope));
      this.#insert.run(sequence, host.bootId, now, envelope.payload.samples.length, envelope.payload.states.length, body, body.length);
      if (rows.length > 0) this.#deletePendingUpTo.run(rows[rows.length - 1]?.id);
      this.#meta.set("next_sequence", String(sequence + 1));
      return { sequence, dropped: this.#trim(opts.maxBytes, sequence) };
    })();
  }

  /** Drops the oldest batches until the outbox is within `maxBytes`, never the one just sealed. */
  #trim(maxBytes: number, keep: number): DropReport | null {
    let excess = (this.#totalBytes.get() as number) - maxBytes;
    if (excess <= 0) return null;
    const report: DropReport = { batches: 0, samples: 0, firstSequence: 0, lastSequence: 0 };
    while (excess > 0) {
      const rows = this.#oldestRows.all() as Array<{ sequence: number; bytes: number; samples: number; rejected: number }>;
      let upTo: number | undefined;
      for (const r of rows) {
        if (excess <= 0 || r.sequence >= keep) break;
        excess -= r.bytes;
        upTo = r.sequence;
        // Rejected batches were counted when the hub refused them; only unsent data counts as dropped.
        if (r.rejected) continue;
        if (report.batches === 0) report.firstSequence = r.sequence;
        report.batches++;
        report.samples += r.samples;
        report.lastSequence = r.sequence;
      }
      if (upTo === undefined) break;
      this.#deleteUpTo.run(upTo);
    }
    this.#meta.addToCounter("outbox_dropped_batches", report.batches);
    this.#meta.addToCounter("outbox_dropped_samples", report.samples);
    return report.batches > 0 ? report : null;
  }

  /** The oldest batch still to send, or undefined when the outbox is drained. */
  oldest(): OutboxBatch | undefined {
    return this.#oldest.get() as OutboxBatch | undefined;
  }

  newest(): OutboxBatch | undefined {
    return this.#newest.get() as OutboxBatch | undefined;
  }

  get(sequence: number): OutboxBatch | undefined {
    return this.#bySequence.get(sequence) as OutboxBatch | undefined;
  }

  /** The hub stored (or already had) this batch: it leaves the outbox. */
  acknowledge(sequence: number): void {
    this.#delete.run(sequence);
  }

  /** The sequence the next seal takes (AgentStore starts a new database at the clock, agent-store.ts). */
  nextSequence(): number {
    return Number(this.#meta.get("next_sequence") ?? "1");
  }

  /**
   * A pulling hub asked past `sequence`: every batch up to it is delivered. Returns how many left.
   * A hub asking past a sequence this database never issued remembers an earlier database of this
   * agent (this one was made again while the clock was behind the old one's start, or restored from a
   * backup): none of the batches here was served to it, and deleting up to its number would forget
   * them unsent. They are renumbered after it instead, so this request serves them and the next seals
   * follow on. `onRenumbered` is told of that, with the old and new ranges, for the caller to report.
   */
  acknowledgeUpTo(sequence: number, onRenumbered?: (r: OutboxRenumbering) => void): number {
    return this.#db.transaction(() => {
      const previousNext = this.nextSequence();
      if (sequence < previousNext) return this.#deleteUpTo.run(sequence).changes;
      const oldFirst = this.oldest()?.sequence;
      const oldLast = this.newest()?.sequence;
      const next = renumberOutbox(this.#db, sequence + 1);
      this.#meta.set("next_sequence", String(next));
      onRenumbered?.({
        batches: next - sequence - 1,
        oldRange: oldFirst === undefined || oldLast === undefined ? null : [oldFirst, oldLast],
        newRange: next - sequence - 1 === 0 ? null : [sequence + 1, next - 1],
        previousNext,
        next,
      });
      return 0;
    })();
  }

  noteAttempt(sequence: number): void {
    this.#noteAttempt.run(sequence);
  }

  /** The hub refused the batch as invalid: keep it for inspection (within the bound), never resend it. */
  reject(sequence: number, reason: string): void {
    this.#db.transaction(() => {
      if (this.#reject.run(reason.slice(0, 2000), sequence).changes > 0) this.#meta.addToCounter("outbox_rejected_batches", 1);
    })();
  }

  /** Sealed batches after `sequence`, in order, at most `limit`, as their payloads (for a pulling hub). */
  batchesAfter(sequence: number, limit: number): { batches: SampleBatch[]; more: boolean } {
    const rows = this.#after.all(sequence, limit + 1) as OutboxBatch[];
    const batches = rows.slice(0, limit).map((r) => (JSON.parse(gunzipSync(r.body).toString("utf8")) as { payload: SampleBatch }).payload);
    return { batches, more: rows.length > limit };
  }

  stats(): OutboxStats {
    const row = this.#stats.get() as Pick<OutboxStats, "batches" | "samples" | "bytes" | "oldestSealedAt" | "rejected">;
    return {
      ...row,
      rejectedTotal: this.#meta.counter("outbox_rejected_batches"),
      droppedBatchesTotal: this.#meta.counter("outbox_dropped_batches"),
      droppedSamplesTotal: this.#meta.counter("outbox_dropped_samples"),
    };
  }
}

/**
 * The batch envelope, validated with the wire rules without zod (shared/protocol/fast-check.ts):
 * re-validating with the zod schema cost ~5 ms of CPU per seal in lite mode and kept zod loaded.
 * Observations are checked as they are collected; should anything invalid have reached `pending`
 * anyway, it is filtered out here rather than making every later seal fail and the agent stop pushing
 * for good. The check costs microseconds for a few hundred observations.
 */
function sealable(
  host: HostIdentity,
  sequence: number,
  sealedAt: number,
  pushIntervalMs: number,
  obs: Observations,
): Envelope<"sample_batch"> {
  const { samples, states } = checkObservations(obs).valid;
  const payload = checkedBatch({ host, sequence, sealedAt, pushIntervalMs, samples, states });
  return { protocolVersion: PROTOCOL_VERSION, kind: "sample_batch", payload };
}
