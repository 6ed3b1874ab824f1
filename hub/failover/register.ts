import type { Hono } from "hono";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { HubConfig } from "../config/types.ts";
import type { AlertSink } from "../notify/alert-sink.ts";
import type { LatestReader } from "../query/latest-reader.ts";
import { registerProxyRoute } from "../proxy/proxy-route.ts";
import type { RegistryServices } from "../registry/services.ts";
import { FailoverService, type FailoverServiceOptions } from "./failover-service.ts";
import { registerFailoverRoutes } from "./routes.ts";
import type { ActionRunner } from "./switch-actions.ts";

export interface FailoverSetup {
  db: Db;
  config: Pick<HubConfig, "failover" | "auth">;
  services: Pick<RegistryServices, "registry" | "credentials" | "metrics">;
  latest: LatestReader;
  sink?: AlertSink | undefined;
  actions?: ActionRunner | undefined;
  logger: Logger;
  now: () => number;
  /** The check of a member; default: the real checks of its config (a seam for tests). */
  checkFor?: FailoverServiceOptions["checkFor"];
}

/** The failover service of the hub's config, with the registry and latest values for freshness checks. Not started. */
export function createFailover(o: FailoverSetup): FailoverService {
  const failover = new FailoverService({
    db: o.db,
    config: o.config.failover,
    readings: {
      host: (id, now) => o.services.registry.get(id, now),
      latestSamples: (id) => o.latest.latestSamples(id),
      latestStates: (id) => o.latest.latestStates(id),
    },
    sink: o.sink,
    actions: o.actions,
    logger: o.logger.child({ component: "failover" }),
    now: o.now,
    ...(o.checkFor ? { checkFor: o.checkFor } : {}),
    onSwitch: (group, cause) => o.services.metrics.operations.failoverSwitched(group, cause),
  });
  o.services.metrics.operations.watchFailover(() => failover.list());
  return failover;
}

/** Mounts the failover API and the proxy; builds the service (not started) when not given, as in tests. */
export function registerFailover(app: Hono, o: FailoverSetup & { failover?: FailoverService | undefined }): FailoverService {
  const failover = o.failover ?? createFailover(o);
  registerFailoverRoutes(app, { failover, credentials: o.services.credentials, adminTokens: o.config.auth.adminTokens, now: o.now });
  registerProxyRoute(app, { failover, logger: o.logger.child({ component: "proxy" }) });
  return failover;
}
