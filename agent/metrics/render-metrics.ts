import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import type { SeriesSpec } from "../../shared/metrics/catalog.ts";
import { SERIES_BY_NAME, STATES_BY_NAME } from "../../shared/metrics/index.ts";
import type { AgentStore } from "../store/agent-store.ts";
import { renderExposition } from "./exposition.ts";
import type { AgentSelfMetrics } from "./self-metrics.ts";
import { type Catalog, sampleFamilies, stateFamilies } from "./store-families.ts";

let catalog: Catalog | undefined;

/** The collectors' catalogs and the agent's own, built once. */
function metricCatalog(): Catalog {
  catalog ??= {
    series: new Map<string, SeriesSpec>([
      ...SERIES_BY_NAME,
      ...Object.values(AGENT_CATALOG.series as Record<string, SeriesSpec>).map((s) => [s.name, s] as const),
    ]),
    states: STATES_BY_NAME,
  };
  return catalog;
}

/**
 * The whole /metrics page: the agent's self-metrics (prom-client), then the latest sample of every
 * series still reporting (newer than `staleAfterMs`) and every current state one-hot. A collected
 * series named like a self-metric is left out rather than written as a second family.
 */
export async function renderMetrics(self: AgentSelfMetrics, store: AgentStore, now: number, staleAfterMs: number): Promise<string> {
  const own = await self.registry.metrics();
  const since = now - staleAfterMs;
  const c = metricCatalog();
  const reserved = self.familyNames();
  const collected = [...sampleFamilies(store.latest.samples(since), c), ...stateFamilies(store.latest.states(since), c)];
  return own + renderExposition(collected.filter((f) => !reserved.has(f.name)));
}
