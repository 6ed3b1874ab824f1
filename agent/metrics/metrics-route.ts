import type { AgentStore } from "../store/agent-store.ts";
import type { Router } from "../http/router.ts";
import { respondText } from "../transport/respond.ts";
import { EXPOSITION_CONTENT_TYPE } from "./exposition.ts";
import { AgentSelfMetrics } from "./self-metrics.ts";
import type { AgentState } from "./state-metrics.ts";

export interface MetricsRouteOptions {
  store: AgentStore;
  agentState: () => AgentState;
  staleAfterMs: number;
  /** The agent's self-metrics, fed by its collectors, pusher and actions; a fresh set when not given (tests). */
  selfMetrics?: AgentSelfMetrics | undefined;
}

/**
 * GET /metrics in Prometheus text format. The writer of the collected series is imported on the
 * first scrape, so an agent nobody scrapes never loads it.
 */
export function registerMetricsRoute(app: Router, o: MetricsRouteOptions): void {
  const self = o.selfMetrics ?? new AgentSelfMetrics();
  self.watch(o.agentState, o.store.db);
  app.get("/metrics", async (req) => {
    const { renderMetrics } = await import("./render-metrics.ts");
    const text = await renderMetrics(self, o.store, o.agentState().now, o.staleAfterMs);
    return respondText(req, text, EXPOSITION_CONTENT_TYPE);
  });
}
