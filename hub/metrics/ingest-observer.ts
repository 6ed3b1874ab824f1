import type { MiddlewareHandler } from "hono";
import type { HubMetrics } from "./hub-metrics.ts";

/**
 * Middleware on POST /api/v1/ingest: times every request (refusals included) and counts its status,
 * and for an acknowledged batch reads the ingest_ack (a couple of hundred bytes) to count it as
 * stored or duplicate with its samples. It relies on the wire contract only, not on how the route
 * stores the batch.
 */
export function ingestObserver(metrics: HubMetrics): MiddlewareHandler {
  return async function observeIngest(c, next) {
    const started = performance.now();
    await next();
    metrics.ingestRequest(c.res.status, (performance.now() - started) / 1000);
    if (c.res.status !== 200) return;
    try {
      const ack = (await c.res.clone().json()) as { payload?: { duplicate?: unknown; storedSamples?: unknown } };
      const { duplicate, storedSamples } = ack.payload ?? {};
      if (typeof duplicate === "boolean" && typeof storedSamples === "number") metrics.stored("push", { duplicate, storedSamples });
    } catch {
      // Not an ingest_ack: nothing to count.
    }
  };
}
