import type { Db } from "../../shared/sqlite/open-database.ts";
import { ChunkSize } from "./chunk-size.ts";
import type { RollupProgress, RollupResolution } from "./rollup-progress.ts";
import { type RollupStatements, rollupStatements } from "./rollup-sql.ts";
import { hourOfMinute, MINUTES_PER_HOUR, minuteOf } from "./time-buckets.ts";

export interface RollupsOptions {
  db: Db;
  progress: RollupProgress;
  /** A minute is rolled up once it ended this long ago; samples arriving later take the late path. */
  delayMs: number;
  /** Raw retention: a late minute whose raw samples are gone is not rolled again (it would lose the rest). */
  rawRetentionMs: number;
  /** Time budget of one step. */
  stepMs?: number;
}

/**
 * 1-minute rollups from raw samples and 1-hour rollups from 1-minute ones (min, max, sum, count,
 * last), done incrementally. Each resolution has a watermark (RollupProgress): the bucket at the
 * watermark is rolled up in chunks of series ids, each chunk its own short transaction, and the
 * watermark moves when the last chunk is written. Chunks are idempotent (delete, then insert the
 * aggregate), so a crash mid-bucket only redoes that bucket. Samples that arrive for a bucket
 * already rolled are marked by the writer (rollup_late_1m, per host and minute) and that host's
 * series are rolled again for that bucket here.
 */
export class Rollups {
  readonly #db: Db;
  readonly #progress: RollupProgress;
  readonly #delayMs: number;
  readonly #rawRetentionMs: number;
  readonly #cursor = new Map<RollupResolution, number>([
    ["1m", 0],
    ["1h", 0],
  ]);
  readonly #size: Record<RollupResolution | "late", ChunkSize>;
  readonly #roll;
  readonly #sql;

  constructor(o: RollupsOptions) {
    const db = o.db;
    this.#db = db;
    this.#progress = o.progress;
    this.#delayMs = o.delayMs;
    this.#rawRetentionMs = o.rawRetentionMs;
    const targetMs = o.stepMs ?? 4;
    this.#size = {
      // Start small and grow: the first chunk after a restart may meet a cold page cache.
      "1m": new ChunkSize({ initial: 64, min: 16, max: 1_000_000, targetMs }),
      "1h": new ChunkSize({ initial: 16, min: 4, max: 1_000_000, targetMs }),
      late: new ChunkSize({ initial: 4, min: 1, max: 10_000, targetMs }),
    };
    this.#roll = rollupStatements(db);
    this.#sql = {
      maxSeriesId: db.prepare("SELECT COALESCE(MAX(id), 0) FROM series").pluck(),
      firstRawMinuteFrom: db.prepare("SELECT MIN(minute) FROM samples WHERE minute >= ?").pluck(),
      first1mMinuteFrom: db.prepare("SELECT MIN(minute) FROM rollup_1m WHERE minute >= ?").pluck(),
      lateMinutes: db.prepare(
        "SELECT minute AS bucket, host_id AS host FROM rollup_late_1m WHERE marked_at <= ? ORDER BY marked_at LIMIT ?",
      ),
      unmarkMinute: db.prepare("DELETE FROM rollup_late_1m WHERE minute = @bucket AND host_id = @host"),
      markLateHour: db.prepare("INSERT OR IGNORE INTO rollup_late_1h (hour, host_id) VALUES (?, ?)"),
      lateHours: db.prepare("SELECT hour AS bucket, host_id AS host FROM rollup_late_1h ORDER BY hour, host_id LIMIT ?"),
      unmarkHour: db.prepare("DELETE FROM rollup_late_1h WHERE hour = @bucket AND host_id = @host"),
    };
  }

  /**
   * Does one step of pending work (late buckets first, then the next chunk of the oldest bucket
   * due) and says whether it did anything. Call again until it returns false.
   */
  step(now: number): boolean {
    try {
      return this.#lateMinutes(now) || this.#nextChunk("1m", now) || this.#lateHours() || this.#nextChunk("1h", now);
    } catch (err) {
      // The failed transaction rolled back: the watermarks in memory may be ahead of the database.
      this.#progress.reload();
      this.#cursor.set("1m", 0);
      this.#cursor.set("1h", 0);
      throw err;
    }
  }

  #nextChunk(res: RollupResolution, now: number): boolean {
    const due = this.#dueUntil(res, now);
    if (due === null) return false;
    let done = this.#progress.doneUntil(res);
    if (done === null) {
      // First run: start at the oldest data there is (or at once, with none).
      done = Math.min(this.#firstBucketFrom(res, 0) ?? due, due);
      this.#progress.finishUntil(res, done);
    }
    if (done >= due) return false;
    const cursor = this.#cursor.get(res) ?? 0;
    if (cursor === 0) {
      // Skip empty buckets in one move (after downtime there may be hours of them).
      const next = this.#firstBucketFrom(res, done);
      if (next === null || next > done) {
        this.#progress.finishUntil(res, Math.min(next ?? due, due));
        return true;
      }
      this.#progress.startBucket(res);
    }
    const maxId = this.#sql.maxSeriesId.get() as number;
    const chunk = { bucket: done, after: cursor, upTo: Math.min(cursor + this.#size[res].value, maxId) };
    const started = performance.now();
    this.#db.transaction(() => {
      rollBucket(this.#roll.range, res, chunk);
      if (chunk.upTo >= maxId) this.#progress.finishUntil(res, done + 1);
    })();
    this.#size[res].took(performance.now() - started);
    this.#cursor.set(res, chunk.upTo >= maxId ? 0 : chunk.upTo);
    return true;
  }

  /** Buckets before this one are complete and due; null when the finer resolution has not started. */
  #dueUntil(res: RollupResolution, now: number): number | null {
    if (res === "1m") return minuteOf(now - this.#delayMs);
    const minutesDone = this.#progress.doneUntil("1m");
    return minutesDone === null ? null : hourOfMinute(minutesDone);
  }

  #firstBucketFrom(res: RollupResolution, bucket: number): number | null {
    if (res === "1m") return (this.#sql.firstRawMinuteFrom.get(bucket) as number | null) ?? null;
    const minute = this.#sql.first1mMinuteFrom.get(bucket * MINUTES_PER_HOUR) as number | null;
    return minute === null ? null : hourOfMinute(minute);
  }

  /**
   * Rolls again, per host, the minutes that received samples after they were rolled up, once they
   * have received nothing more for the rollup delay.
   */
  #lateMinutes(now: number): boolean {
    const quietSince = now - this.#delayMs;
    const marks = this.#sql.lateMinutes.all(quietSince, this.#size.late.value) as Array<{ bucket: number; host: string }>;
    if (marks.length === 0) return false;
    const rawFrom = minuteOf(now - this.#rawRetentionMs);
    const started = performance.now();
    this.#db.transaction(() => {
      const lateHoursBefore = this.#progress.lateBefore("1h");
      for (const mark of marks) {
        if (mark.bucket >= rawFrom) {
          rollBucket(this.#roll.host, "1m", mark);
          const hour = hourOfMinute(mark.bucket);
          if (hour < lateHoursBefore) this.#sql.markLateHour.run(hour, mark.host);
        }
        this.#sql.unmarkMinute.run(mark);
      }
    })();
    this.#size.late.took(performance.now() - started);
    return true;
  }

  #lateHours(): boolean {
    const marks = this.#sql.lateHours.all(this.#size.late.value) as Array<{ bucket: number; host: string }>;
    if (marks.length === 0) return false;
    const started = performance.now();
    this.#db.transaction(() => {
      for (const mark of marks) {
        rollBucket(this.#roll.host, "1h", mark);
        this.#sql.unmarkHour.run(mark);
      }
    })();
    this.#size.late.took(performance.now() - started);
    return true;
  }
}

function rollBucket<P>(s: RollupStatements<P>, res: RollupResolution, params: P): void {
  if (res === "1m") {
    s.clear1m.run(params);
    s.roll1m.run(params);
  } else {
    s.clear1h.run(params);
    s.roll1h.run(params);
  }
}
