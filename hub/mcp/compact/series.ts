import { z } from "zod";
import { bounded, LIMITS } from "./bounded.ts";

/** GET /api/v1/series as the hub answers it (hub/query/series-routes.ts, docs/api.md "Series"). */
export const seriesAnswer = z.object({
  resolution: z.string(),
  step: z.int(),
  from: z.int(),
  to: z.int(),
  series: z.array(
    z.object({
      host: z.string(),
      name: z.string(),
      labels: z.record(z.string(), z.string()),
      points: z.array(z.object({ t: z.number(), min: z.number(), max: z.number(), avg: z.number(), last: z.number(), count: z.number() })),
    }),
  ),
});
export type SeriesAnswer = z.infer<typeof seriesAnswer>;

export const compactSeries = z.object({
  host: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Over the points shown: lowest min, highest max, mean of the averages weighted by samples, newest value. */
  stats: z.object({ min: z.number(), max: z.number(), avg: z.number(), last: z.number(), samples: z.number() }).nullable(),
  /** Oldest first: [t (ms), avg, min, max] per step bucket; a bucket without samples is absent, never 0. */
  points: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])),
});
export type CompactSeries = z.infer<typeof compactSeries>;

/**
 * The history answer cut to what an assistant can read: at most LIMITS.series series and the newest
 * LIMITS.pointsPerSeries points of each, as tuples rather than objects (a third of the bytes). Pure.
 */
export function toCompactSeries(answer: SeriesAnswer, notes: string[]): CompactSeries[] {
  const series = bounded(answer.series, LIMITS.series, "series", notes, "narrow with host or labels");
  return series.map((s) => {
    let points = s.points;
    if (points.length > LIMITS.pointsPerSeries) {
      notes.push(
        `${s.host} ${JSON.stringify(s.labels)}: newest ${LIMITS.pointsPerSeries} of ${points.length} points shown (ask with a larger step)`,
      );
      points = points.slice(-LIMITS.pointsPerSeries);
    }
    return { host: s.host, labels: s.labels, stats: statsOf(points), points: points.map((p) => [p.t, round(p.avg), p.min, p.max]) };
  });
}

function statsOf(points: ReadonlyArray<{ min: number; max: number; avg: number; last: number; count: number }>): CompactSeries["stats"] {
  const last = points.at(-1);
  if (!last) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let total = 0;
  let samples = 0;
  for (const p of points) {
    min = Math.min(min, p.min);
    max = Math.max(max, p.max);
    total += p.avg * p.count;
    samples += p.count;
  }
  return { min, max, avg: round(samples > 0 ? total / samples : last.avg), last: last.last, samples };
}

/** Averages to 6 significant digits: 57.2499999913 says nothing 57.25 does not, and costs bytes. */
function round(n: number): number {
  return Number.isInteger(n) ? n : Number(n.toPrecision(6));
}
