import type { Hono } from "hono";
import type { HostSummary } from "../../shared/api/hosts.ts";
import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import type { SeriesSpec } from "../../shared/metrics/catalog.ts";
import { SERIES_BY_NAME, STATES_BY_NAME } from "../../shared/metrics/index.ts";
import type { LatestReader } from "../query/latest-reader.ts";
import { type FederatedHost, type FederationCatalog, federationFamilies } from "./federation.ts";
import type { HubMetrics } from "./hub-metrics.ts";

export interface MetricsRouteOptions {
  metrics: HubMetrics;
  hosts: (now: number) => HostSummary[];
  latest: LatestReader;
  now: () => number;
  /** The catalogs for HELP and TYPE; the shared ones unless a test brings its own. */
  catalog?: FederationCatalog;
}

/**
 * GET /metrics: the hub's own metrics (prom-client), then every up host's latest values for
 * federation (federation.ts). A Prometheus that takes over scrapes this with `honor_labels: true`
 * and `honor_timestamps: true` (its defaults for /federate-style targets; see docs/api.md).
 */
export function registerMetricsRoute(app: Hono, o: MetricsRouteOptions): void {
  const catalog = o.catalog ?? FEDERATION_CATALOG;
  app.get("/metrics", async (c) => {
    const own = await o.metrics.registry.metrics();
    const hosts: FederatedHost[] = [];
    for (const h of o.hosts(o.now())) {
      if (h.status !== "up") continue;
      hosts.push({ id: h.id, status: h.status, samples: o.latest.latestSamples(h.id), states: o.latest.latestStates(h.id) });
      if (hosts.length % YIELD_EVERY === 0) await nextTurn();
    }
    // A large fleet's text takes a while to write: give ingest requests a turn every few hosts and families.
    const parts = [own.endsWith("\n") || own === "" ? own : `${own}\n`];
    let steps = 0;
    for (const chunk of federationFamilies(hosts, catalog, o.metrics.familyNames())) {
      if (chunk !== "") parts.push(chunk);
      if (++steps % YIELD_EVERY === 0) await nextTurn();
    }
    return c.body(parts.join(""), 200, { "content-type": o.metrics.registry.contentType });
  });
}

const YIELD_EVERY = 50;

/** The collectors' catalogs and the agent's own series that travel with every batch (vigil_collector_*). */
const FEDERATION_CATALOG: FederationCatalog = {
  series: new Map<string, SeriesSpec>([
    ...SERIES_BY_NAME,
    ...Object.values(AGENT_CATALOG.series as Record<string, SeriesSpec>).map((s) => [s.name, s] as const),
  ]),
  states: STATES_BY_NAME,
};

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
