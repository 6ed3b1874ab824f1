import { Hono } from "hono";
import { ApiError, type ErrorBody } from "../shared/http/api-error.ts";
import type { Logger } from "../shared/log/logger.ts";
import type { HubConfig } from "./config/types.ts";
import { registerIngestRoute } from "./ingest/ingest-route.ts";
import { registerHostsRoutes } from "./query/hosts-routes.ts";
import type { HubStore } from "./store/hub-store.ts";

export interface HubAppOptions {
  store: HubStore;
  config: HubConfig;
  logger: Logger;
  version: string;
  now?: () => number;
}

/** The hub's HTTP API as a Hono app: routes in their own modules, errors in one JSON shape. */
export function createHubApp(o: HubAppOptions): Hono {
  const now = o.now ?? Date.now;
  const app = new Hono();

  app.get("/healthz", (c) => c.json({ status: "ok", version: o.version }));
  app.get("/readyz", (c) => {
    // Ready when the database answers.
    o.store.db.prepare("SELECT 1").get();
    return c.json({ status: "ready", version: o.version });
  });

  registerIngestRoute(app, {
    store: o.store,
    agentTokens: o.config.auth.agentTokens,
    limits: o.config.ingest,
    logger: o.logger,
    now,
  });
  registerHostsRoutes(app, { store: o.store, downAfterMissedPushes: o.config.hosts.downAfterMissedPushes, now });

  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } } satisfies ErrorBody, 404),
  );
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      if (err.status >= 500) o.logger.error("request failed", { path: c.req.path, code: err.code, err });
      else o.logger.debug("request refused", { path: c.req.path, status: err.status, code: err.code, message: err.message });
      return c.json(err.toBody(), err.status as 400);
    }
    o.logger.error("unexpected error", { path: c.req.path, err });
    return c.json({ error: { code: "INTERNAL", message: "internal error; see the hub's log" } } satisfies ErrorBody, 500);
  });
  return app;
}
