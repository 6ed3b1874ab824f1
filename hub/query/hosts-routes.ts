import type { Hono } from "hono";
import type { HostLatest, HostList } from "../../shared/api/hosts.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { HubStore } from "../store/hub-store.ts";

export interface HostsRoutesOptions {
  store: HubStore;
  downAfterMissedPushes: number;
  now: () => number;
}

/** GET /api/v1/hosts, /api/v1/hosts/:id and /api/v1/hosts/:id/latest. */
export function registerHostsRoutes(app: Hono, o: HostsRoutesOptions): void {
  const host = (id: string) => {
    const h = o.store.getHost(id, o.now(), o.downAfterMissedPushes);
    if (!h) throw new ApiError(404, "HOST_NOT_FOUND", `no host with id "${id}" has reported to this hub`, { field: "id" });
    return h;
  };
  app.get("/api/v1/hosts", (c) => c.json({ hosts: o.store.listHosts(o.now(), o.downAfterMissedPushes) } satisfies HostList));
  app.get("/api/v1/hosts/:id", (c) => c.json(host(c.req.param("id"))));
  app.get("/api/v1/hosts/:id/latest", (c) => {
    const h = host(c.req.param("id"));
    return c.json({ host: h, samples: o.store.latestSamples(h.id), states: o.store.latestStates(h.id) } satisfies HostLatest);
  });
}
