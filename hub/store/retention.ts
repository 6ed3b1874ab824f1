import type { Statement } from "better-sqlite3";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { ChunkSize } from "./chunk-size.ts";
import type { RollupProgress } from "./rollup-progress.ts";
import { hourOf, MINUTES_PER_HOUR, minuteOf } from "./time-buckets.ts";

/** How long each kind of data is kept, in milliseconds. */
export interface RetentionPolicy {
  rawMs: number;
  rollup1mMs: number;
  rollup1hMs: number;
  /** How long batch ids are remembered for duplicate detection (dedupWindow). */
  batchIdsMs: number;
}

interface Target {
  table: string;
  /** The first bucket (or time) kept at `now`; everything before it goes. */
  keepFrom: (now: number) => number;
  statement: Statement<[number, number]>;
}

/**
 * Deletes expired data in chunks, oldest first. Every table is keyed (or indexed) by time first, so
 * `DELETE ... WHERE bucket < ? LIMIT n` walks the front of one b-tree and stops after n rows: a
 * chunk costs the same whether a day or a year has expired, and it never holds the write lock long.
 * (DELETE ... LIMIT needs SQLITE_ENABLE_UPDATE_DELETE_LIMIT, which better-sqlite3 builds with.)
 */
export class Retention {
  readonly #targets: Target[];
  readonly #size = new ChunkSize({ initial: 5000, min: 100, max: 500_000, targetMs: 4 });
  readonly #deleted = new Map<string, number>();

  constructor(db: Db, policy: RetentionPolicy, progress: RollupProgress) {
    // Data is never deleted before it is rolled up into the next resolution, whatever its age: after
    // a long stop, the rollup catches up first (a minute of raw data is kept until its rollup exists).
    const rolledMinutes = () => progress.doneUntil("1m") ?? Number.NEGATIVE_INFINITY;
    const rolledHoursInMinutes = () => (progress.doneUntil("1h") ?? Number.NEGATIVE_INFINITY) * MINUTES_PER_HOUR;
    const target = (table: string, column: string, keepFrom: (now: number) => number): Target => ({
      table,
      keepFrom,
      statement: db.prepare<[number, number]>(`DELETE FROM ${table} WHERE ${column} < ? LIMIT ?`),
    });
    this.#targets = [
      target("samples", "minute", (now) => Math.min(minuteOf(now - policy.rawMs), rolledMinutes())),
      // Late marks whose raw samples have expired can no longer be rolled up.
      target("rollup_late_1m", "minute", (now) => minuteOf(now - policy.rawMs)),
      target("rollup_1m", "minute", (now) => Math.min(minuteOf(now - policy.rollup1mMs), rolledHoursInMinutes())),
      target("rollup_late_1h", "hour", (now) => hourOf(now - policy.rollup1mMs)),
      target("rollup_1h", "hour", (now) => hourOf(now - policy.rollup1hMs)),
      target("received_batches", "received_at", (now) => now - policy.batchIdsMs),
    ];
  }

  /** Deletes one chunk from the first table with expired rows; false when nothing has expired. */
  step(now: number): boolean {
    for (const t of this.#targets) {
      const started = performance.now();
      const deleted = t.statement.run(t.keepFrom(now), this.#size.value).changes;
      if (deleted === 0) continue;
      this.#size.took(performance.now() - started);
      this.#deleted.set(t.table, (this.#deleted.get(t.table) ?? 0) + deleted);
      return true;
    }
    return false;
  }

  /** Rows deleted per table since the hub started. */
  deleted(): Record<string, number> {
    return Object.fromEntries(this.#deleted);
  }
}
