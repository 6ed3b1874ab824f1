import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import type { SeriesSpec } from "../../shared/metrics/catalog.ts";
import { SERIES_BY_NAME, STATES_BY_NAME } from "../../shared/metrics/index.ts";
import type { AgentStore } from "../store/agent-store.ts";
import { type AgentState, agentFamilies } from "./agent-families.ts";
import { renderExposition } from "./exposition.ts";
import { processFamilies } from "./process-metrics.ts";
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
 * The whole /metrics page: the agent's own series, the latest sample of every series still
 * reporting (newer than `staleAfterMs`), every current state one-hot, and the process metrics.
 */
export function renderMetrics(store: AgentStore, agent: AgentState, staleAfterMs: number): string {
  const since = agent.now - staleAfterMs;
  const c = metricCatalog();
  return renderExposition([
    ...agentFamilies(agent),
    ...sampleFamilies(store.latest.samples(since), c),
    ...stateFamilies(store.latest.states(since), c),
    ...processFamilies(),
  ]);
}
