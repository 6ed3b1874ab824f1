import type { RawPoint, RollupPoint } from "../store/series-reader.ts";

/** One point of a series answer: a step bucket starting at `t`. */
export interface SeriesPoint {
  t: number;
  min: number;
  max: number;
  avg: number;
  last: number;
  /** Raw samples behind the point. */
  count: number;
}

/** A raw sample as a rollup of one. */
export function rawAsRollup(p: RawPoint): RollupPoint {
  return { t: p.t, min: p.value, max: p.value, sum: p.value, count: 1, last: p.value };
}

/**
 * Merges stored points (rollup buckets, or raw samples as rollups of one), oldest first, into
 * buckets of `stepMs` aligned to multiples of the step since the epoch. A bucket with no data is
 * absent, never a zero.
 */
export function toStepBuckets(points: Iterable<RollupPoint>, stepMs: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let cur: { t: number; min: number; max: number; sum: number; count: number; last: number } | undefined;
  const close = () => {
    if (cur) out.push({ t: cur.t, min: cur.min, max: cur.max, avg: cur.sum / cur.count, last: cur.last, count: cur.count });
  };
  for (const p of points) {
    const t = Math.floor(p.t / stepMs) * stepMs;
    if (cur && t < cur.t) throw new Error(`toStepBuckets: points out of order at ${p.t}`);
    if (!cur || t !== cur.t) {
      close();
      cur = { t, min: p.min, max: p.max, sum: p.sum, count: p.count, last: p.last };
      continue;
    }
    cur.min = Math.min(cur.min, p.min);
    cur.max = Math.max(cur.max, p.max);
    cur.sum += p.sum;
    cur.count += p.count;
    cur.last = p.last;
  }
  close();
  return out;
}
