import type { Db } from "../../shared/sqlite/open-database.ts";
import type { RollupResolution } from "./rollup-progress.ts";
import { HOUR_MS, hourOf, MINUTE_MS, minuteOf } from "./time-buckets.ts";

/** One stored series. */
export interface SeriesRef {
  id: number;
  host: string;
  name: string;
  labels: Record<string, string>;
}

export interface SeriesSelector {
  name: string;
  /** Only this host's series; every host's when absent. */
  host?: string;
  /** Series whose labels include all of these. */
  labels?: Readonly<Record<string, string>>;
}

/** A raw sample: time (ms) and value. */
export interface RawPoint {
  t: number;
  value: number;
}

/** A stored rollup bucket: its start (ms), min, max, sum, count and the value of its newest sample. */
export interface RollupPoint {
  t: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
}

/**
 * Reads series for the query API (and for anything else that needs history). Tables are keyed by
 * time bucket first (see storage-migration.ts), so reading one series walks the buckets of the range
 * and seeks (bucket, series) in each: the recursive CTE lists the buckets, CROSS JOIN keeps it as
 * the outer loop.
 */
export class SeriesReader {
  readonly #byName;
  readonly #byHostAndName;
  readonly #raw;
  readonly #rollup1m;
  readonly #rollup1h;

  constructor(db: Db) {
    const columns = "s.id, s.host_id AS host, s.name, s.labels";
    // Series are indexed by (host, name, labels): a name alone is one seek per host (10,000 hosts
    // take milliseconds), which spares every series insert the upkeep of a second index.
    this.#byName = db.prepare(
      `SELECT ${columns} FROM hosts h CROSS JOIN series s ON s.host_id = h.id AND s.name = ? ORDER BY h.id, s.labels`,
    );
    this.#byHostAndName = db.prepare(`SELECT ${columns} FROM series s WHERE s.host_id = ? AND s.name = ? ORDER BY s.labels`);
    this.#raw = db.prepare(
      `WITH RECURSIVE m(minute) AS (SELECT @first UNION ALL SELECT minute + 1 FROM m WHERE minute < @last)
       SELECT s.minute * ${MINUTE_MS} + s.offset_ms AS t, s.value AS value
       FROM m CROSS JOIN samples s ON s.minute = m.minute AND s.series_id = @seriesId
       WHERE t >= @from AND t < @to ORDER BY t`,
    );
    const rollup = (table: string, bucket: string, ms: number) =>
      db.prepare(
        `WITH RECURSIVE b(bucket) AS (SELECT @first UNION ALL SELECT bucket + 1 FROM b WHERE bucket < @last)
         SELECT r.${bucket} * ${ms} AS t, r.minimum AS min, r.maximum AS max, r.total AS sum, r.count AS count, r.last AS last
         FROM b CROSS JOIN ${table} r ON r.${bucket} = b.bucket AND r.series_id = @seriesId ORDER BY t`,
      );
    this.#rollup1m = rollup("rollup_1m", "minute", MINUTE_MS);
    this.#rollup1h = rollup("rollup_1h", "hour", HOUR_MS);
  }

  /** Series matching the selector, ordered by host and labels; at most `limit`. */
  find(selector: SeriesSelector, limit: number): SeriesRef[] {
    const rows = (
      selector.host === undefined ? this.#byName.all(selector.name) : this.#byHostAndName.all(selector.host, selector.name)
    ) as Array<{ id: number; host: string; name: string; labels: string }>;
    const wanted = Object.entries(selector.labels ?? {});
    const out: SeriesRef[] = [];
    for (const r of rows) {
      const labels = JSON.parse(r.labels) as Record<string, string>;
      if (!wanted.every(([k, v]) => labels[k] === v)) continue;
      out.push({ id: r.id, host: r.host, name: r.name, labels });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Raw samples with from <= t < to, oldest first. */
  raw(seriesId: number, from: number, to: number): RawPoint[] {
    if (to <= from) return [];
    return this.#raw.all({ first: minuteOf(from), last: minuteOf(to - 1), seriesId, from, to }) as RawPoint[];
  }

  /** Rollup buckets that start in [from, to), oldest first. */
  rollups(resolution: RollupResolution, seriesId: number, from: number, to: number): RollupPoint[] {
    if (to <= from) return [];
    if (resolution === "1m") {
      return this.#rollup1m.all({ first: Math.ceil(from / MINUTE_MS), last: minuteOf(to - 1), seriesId }) as RollupPoint[];
    }
    return this.#rollup1h.all({ first: Math.ceil(from / HOUR_MS), last: hourOf(to - 1), seriesId }) as RollupPoint[];
  }
}
