import type { Hono } from "hono";
import type { HostLatest, HostList, HostSummary } from "../../shared/api/hosts.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { LatestReader } from "./latest-reader.ts";

export interface HostsRoutesOptions {
  registry: { list(now: number): HostSummary[]; get(id: string, now: number): HostSummary | undefined };
  latest: LatestReader;
  now: () => number;
}

/** GET /api/v1/hosts, /api/v1/hosts/:id and /api/v1/hosts/:id/latest. */
export function registerHostsRoutes(app: Hono, o: HostsRoutesOptions): void {
  app.get("/api/v1/hosts", (c) => c.json({ hosts: o.registry.list(o.now()) } satisfies HostList));
  app.get("/api/v1/hosts/:id", (c) => c.json(findHost(o.registry, c.req.param("id"), o.now())));
  app.get("/api/v1/hosts/:id/latest", (c) => {
    const h = findHost(o.registry, c.req.param("id"), o.now());
    return c.json({ host: h, samples: o.latest.latestSamples(h.id), states: o.latest.latestStates(h.id) } satisfies HostLatest);
  });
}

/** The host, or 404 HOST_NOT_FOUND naming the id. */
export function findHost(registry: HostsRoutesOptions["registry"], id: string, now: number): HostSummary {
  const h = registry.get(id, now);
  if (!h) throw new ApiError(404, "HOST_NOT_FOUND", `no host with id "${id}" has reported to this hub`, { field: "id" });
  return h;
}
