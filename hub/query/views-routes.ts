import type { Hono } from "hono";
import { HOST_VIEWS, type HostView, type HostViewSpec } from "../../shared/api/views.ts";
import { CATALOGS } from "../../shared/metrics/index.ts";
import type { LatestReader } from "./latest-reader.ts";
import { buildEntityView, type ViewCatalog } from "./entity-view.ts";
import { findHost, type HostsRoutesOptions } from "./hosts-routes.ts";

export interface ViewsRoutesOptions {
  registry: HostsRoutesOptions["registry"];
  latest: LatestReader;
  now: () => number;
  /** The views and catalogs; the shared ones unless a test brings its own. */
  views?: readonly HostViewSpec[];
  catalogs?: readonly ViewCatalog[];
}

/**
 * GET /api/v1/hosts/:id/gpus, /pools, /containers, /units, /probes (one route per HOST_VIEWS entry).
 * A view whose collector has no catalog yet, or a host without that collector, has no entities.
 */
export function registerViewsRoutes(app: Hono, o: ViewsRoutesOptions): void {
  const catalogs: readonly ViewCatalog[] = o.catalogs ?? CATALOGS;
  for (const view of o.views ?? HOST_VIEWS) {
    const catalog = catalogs.find((c) => c.collector === view.collector);
    app.get(`/api/v1/hosts/:id/${view.path}`, (c) => {
      const host = findHost(o.registry, c.req.param("id"), o.now());
      const built = buildEntityView(view, catalog, o.latest.latestSamples(host.id), o.latest.latestStates(host.id));
      return c.json({
        host,
        view: view.path,
        collector: view.collector,
        entityLabel: view.entityLabel,
        ...built,
      } satisfies HostView);
    });
  }
}
