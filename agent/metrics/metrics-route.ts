import type { AgentStore } from "../store/agent-store.ts";
import type { Router } from "../http/router.ts";
import { respondText } from "../transport/respond.ts";
import type { AgentState } from "./agent-families.ts";
import { EXPOSITION_CONTENT_TYPE } from "./exposition.ts";

export interface MetricsRouteOptions {
  store: AgentStore;
  agentState: () => AgentState;
  staleAfterMs: number;
}

/**
 * GET /metrics in Prometheus text format. The renderer is imported on the first scrape, so an agent
 * nobody scrapes never loads it.
 */
export function registerMetricsRoute(app: Router, o: MetricsRouteOptions): void {
  app.get("/metrics", async (req) => {
    const { renderMetrics } = await import("./render-metrics.ts");
    return respondText(req, renderMetrics(o.store, o.agentState(), o.staleAfterMs), EXPOSITION_CONTENT_TYPE);
  });
}
