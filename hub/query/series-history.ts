import type { HubStore } from "../store/hub-store.ts";
import type { RollupPoint } from "../store/series-reader.ts";
import type { Resolution } from "./series-resolution.ts";
import { rawAsRollup } from "./step-buckets.ts";

/**
 * One series' stored points over [from, to) at a resolution, oldest first. A rollup covers only
 * buckets that are complete and rolled up; the newer part of the range (the last minute or two, the
 * current hour) is read from the next finer data, so a chart over rollups has no gap at its right edge.
 * `from` and `to` are multiples of the resolution's bucket.
 */
export function readHistory(store: HubStore, seriesId: number, resolution: Resolution, from: number, to: number): RollupPoint[] {
  if (resolution === "raw") return store.series.raw(seriesId, from, to).map(rawAsRollup);
  const rolled = store.rolledUpUntil();
  const out: RollupPoint[] = [];
  let t = from;
  const take = (until: number | null, read: (a: number, b: number) => RollupPoint[]) => {
    if (until === null) return;
    const end = Math.min(to, until);
    if (t >= end) return;
    for (const p of read(t, end)) out.push(p);
    t = end;
  };
  if (resolution === "1h") take(rolled.rollup1h, (a, b) => store.series.rollups("1h", seriesId, a, b));
  take(rolled.rollup1m, (a, b) => store.series.rollups("1m", seriesId, a, b));
  if (t < to) for (const p of store.series.raw(seriesId, t, to)) out.push(rawAsRollup(p));
  return out;
}
