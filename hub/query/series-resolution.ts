import type { RetentionPolicy } from "../store/retention.ts";
import { HOUR_MS, MINUTE_MS } from "../store/time-buckets.ts";

export type Resolution = "raw" | "1m" | "1h";

/** Steps chosen when the query gives none: the smallest that keeps a range within DEFAULT_POINTS. */
const NICE_STEPS_MS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);
export const DEFAULT_POINTS = 720;

/** The default step for a range: a round step giving at most DEFAULT_POINTS buckets. */
export function defaultStep(rangeMs: number): number {
  return NICE_STEPS_MS.find((s) => rangeMs / s <= DEFAULT_POINTS) ?? Math.ceil(rangeMs / DEFAULT_POINTS / HOUR_MS) * HOUR_MS;
}

/**
 * Which stored data answers a query, and the step actually used:
 * - raw samples when the step is under a minute and the range starts within the raw retention;
 * - 1-minute rollups when the step is under an hour and the range starts within their retention;
 * - 1-hour rollups otherwise.
 * With rollups the step is rounded up to a whole number of buckets (90 s becomes 2 minutes), so
 * every rollup bucket falls in exactly one step.
 */
export function chooseResolution(q: { from: number; stepMs: number; now: number; retention: RetentionPolicy }): {
  resolution: Resolution;
  stepMs: number;
} {
  if (q.stepMs < MINUTE_MS && q.from >= q.now - q.retention.rawMs) return { resolution: "raw", stepMs: q.stepMs };
  if (q.stepMs < HOUR_MS && q.from >= q.now - q.retention.rollup1mMs) {
    return { resolution: "1m", stepMs: Math.ceil(q.stepMs / MINUTE_MS) * MINUTE_MS };
  }
  return { resolution: "1h", stepMs: Math.ceil(q.stepMs / HOUR_MS) * HOUR_MS };
}
