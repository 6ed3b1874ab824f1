import type { Statement } from "better-sqlite3";
import type { Db } from "../../shared/sqlite/open-database.ts";

/** Which series of a bucket a statement rolls up: a chunk of ids (the watermark's path) or one host's (late data). */
export type SeriesChunk = { bucket: number; after: number; upTo: number };
export type HostBucket = { bucket: number; host: string };

function which(alias: string, by: "range" | "host"): string {
  return by === "range"
    ? `${alias}.series_id > @after AND ${alias}.series_id <= @upTo`
    : `${alias}.series_id IN (SELECT id FROM series WHERE host_id = @host)`;
}

function statements<P extends SeriesChunk | HostBucket>(db: Db, by: "range" | "host") {
  return {
    clear1m: db.prepare<[P]>(`DELETE FROM rollup_1m WHERE minute = @bucket AND ${which("rollup_1m", by)}`),
    roll1m: db.prepare<[P]>(
      `INSERT INTO rollup_1m (minute, series_id, minimum, maximum, total, count, last)
       SELECT s.minute, s.series_id, MIN(s.value), MAX(s.value), SUM(s.value), COUNT(*),
         (SELECT l.value FROM samples l WHERE l.minute = s.minute AND l.series_id = s.series_id ORDER BY l.offset_ms DESC LIMIT 1)
       FROM samples s WHERE s.minute = @bucket AND ${which("s", by)} GROUP BY s.series_id`,
    ),
    clear1h: db.prepare<[P]>(`DELETE FROM rollup_1h WHERE hour = @bucket AND ${which("rollup_1h", by)}`),
    // `minute IN m` makes one index seek per minute of the hour; a BETWEEN on the minute would scan
    // every series of the hour to find the chunk's few.
    roll1h: db.prepare<[P]>(
      `WITH RECURSIVE m(minute) AS (SELECT @bucket * 60 UNION ALL SELECT minute + 1 FROM m WHERE minute < @bucket * 60 + 59)
       INSERT INTO rollup_1h (hour, series_id, minimum, maximum, total, count, last)
       SELECT @bucket, r.series_id, MIN(r.minimum), MAX(r.maximum), SUM(r.total), SUM(r.count),
         (SELECT l.last FROM rollup_1m l WHERE l.minute IN m AND l.series_id = r.series_id ORDER BY l.minute DESC LIMIT 1)
       FROM rollup_1m r WHERE r.minute IN m AND ${which("r", by)} GROUP BY r.series_id`,
    ),
  };
}

export interface RollupStatements<P> {
  clear1m: Statement<[P]>;
  roll1m: Statement<[P]>;
  clear1h: Statement<[P]>;
  roll1h: Statement<[P]>;
}

/**
 * The aggregate statements: min, max, sum, count and last (the value of the newest sample, found by
 * one index seek) per series. Each bucket is deleted before it is inserted, so rolling a bucket
 * twice (after a crash, or again for late data) gives the same rows.
 */
export function rollupStatements(db: Db): { range: RollupStatements<SeriesChunk>; host: RollupStatements<HostBucket> } {
  return { range: statements<SeriesChunk>(db, "range"), host: statements<HostBucket>(db, "host") };
}
