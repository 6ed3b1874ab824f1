import type { Hono } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import type { HubStore } from "../store/hub-store.ts";
import { readHistory } from "./series-history.ts";
import { parseSeriesQuery } from "./series-params.ts";
import { chooseResolution, defaultStep, type Resolution } from "./series-resolution.ts";
import { type SeriesPoint, toStepBuckets } from "./step-buckets.ts";

/** GET /api/v1/series: the answer (docs/api.md). */
export interface SeriesAnswer {
  resolution: Resolution;
  /** The step used (ms), after rounding to the resolution. */
  step: number;
  /** The range covered: `from` rounded down and `to` rounded up to whole steps. */
  from: number;
  to: number;
  series: Array<{ host: string; name: string; labels: Record<string, string>; points: SeriesPoint[] }>;
}

/** Most series one query may return: a larger answer needs a narrower host or labels. */
export const MAX_SERIES = 200;
/** Most points per series (as Prometheus allows). */
export const MAX_POINTS = 11_000;

export interface SeriesRoutesOptions {
  store: HubStore;
  now: () => number;
}

/** GET /api/v1/series?name=&host=&labels=&from=&to=&step= */
export function registerSeriesRoutes(app: Hono, o: SeriesRoutesOptions): void {
  app.get("/api/v1/series", (c) => {
    const now = o.now();
    const q = parseSeriesQuery(c.req.query(), now);
    const { resolution, stepMs } = chooseResolution({
      from: q.from,
      stepMs: q.stepMs ?? defaultStep(q.to - q.from),
      now,
      retention: o.store.options.retention,
    });
    const from = Math.floor(q.from / stepMs) * stepMs;
    const to = Math.ceil(q.to / stepMs) * stepMs;
    const points = (to - from) / stepMs;
    if (points > MAX_POINTS) {
      throw new ApiError(400, "SERIES_QUERY", `step: ${points} points per series is over the limit of ${MAX_POINTS}; use a larger step`, {
        field: "step",
      });
    }
    const found = o.store.series.find({ name: q.name, ...(q.host ? { host: q.host } : {}), labels: q.labels }, MAX_SERIES + 1);
    if (found.length > MAX_SERIES) {
      throw new ApiError(400, "SERIES_QUERY", `labels: more than ${MAX_SERIES} series match; narrow the query with host= or labels=`, {
        field: "labels",
      });
    }
    const answer: SeriesAnswer = {
      resolution,
      step: stepMs,
      from,
      to,
      series: found.map((s) => ({
        host: s.host,
        name: s.name,
        labels: s.labels,
        points: toStepBuckets(readHistory(o.store, s.id, resolution, from, to), stepMs),
      })),
    };
    return c.json(answer);
  });
}
