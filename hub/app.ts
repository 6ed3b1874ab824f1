import { Hono } from "hono";
import { ApiError, type ErrorBody } from "../shared/http/api-error.ts";
import type { Logger } from "../shared/log/logger.ts";
import { cachedStatement } from "../shared/sqlite/statement-cache.ts";
import type { HubActions } from "./actions/hub-actions.ts";
import { registerActions } from "./actions/register.ts";
import { registerAlertmanagerIntake } from "./alertmanager/intake-route.ts";
import { registerHostAdminRoutes } from "./auth/host-admin-routes.ts";
import type { HubConfig } from "./config/types.ts";
import { registerEnrollRoute } from "./enroll/enroll-route.ts";
import type { FailoverService } from "./failover/failover-service.ts";
import { registerFailover } from "./failover/register.ts";
import { agentAuth } from "./ingest/agent-auth.ts";
import { registerIngestRoute } from "./ingest/ingest-route.ts";
import { ingestObserver } from "./metrics/ingest-observer.ts";
import { registerMetricsRoute } from "./metrics/metrics-route.ts";
import { registerNotificationRoutes } from "./notify/api/notifications-routes.ts";
import { NotifyService } from "./notify/notify-service.ts";
import { registerHostsRoutes } from "./query/hosts-routes.ts";
import { registerSeriesRoutes } from "./query/series-routes.ts";
import { registerViewsRoutes } from "./query/views-routes.ts";
import { createRegistryServices, type RegistryServices } from "./registry/services.ts";
import { registerAlertsRoutes } from "./rules/alerts-routes.ts";
import { SilenceMuter } from "./silences/silence-muter.ts";
import { registerSilencesRoutes } from "./silences/silences-routes.ts";
import type { HubStore } from "./store/hub-store.ts";
import { readAuth } from "./ui/read-auth.ts";
import { registerUi } from "./ui/register-ui.ts";
import { registerMcp } from "./mcp/register.ts";

export interface HubAppOptions {
  store: HubStore;
  config: HubConfig;
  logger: Logger;
  version: string;
  now?: () => number;
  /** Tokens, credentials, host registry and hub metrics; built from store and config when not given. */
  services?: RegistryServices;
  /** Notification channels, outbox and dispatcher; built (but not started) from store and config when not given. */
  notify?: NotifyService;
  /** Signed action requests to agents; built with an in-memory signing key when not given (run-hub.ts passes the kept one). */
  actions?: HubActions;
  /** Failover groups (docs/failover.md); built (but not started) from store and config when not given. */
  failover?: FailoverService;
}

/** The hub's HTTP API as a Hono app: routes in their own modules, errors in one JSON shape. */
export function createHubApp(o: HubAppOptions): Hono {
  const now = o.now ?? Date.now;
  const app = new Hono();
  const services = o.services ?? createRegistryServices({ db: o.store.db, config: o.config, now });

  // The viewer role (auth.viewerTokens) guards every read below; registered first, as Hono runs handlers in order.
  const roleTokens = { adminTokens: o.config.auth.adminTokens, viewerTokens: o.config.auth.viewerTokens };
  app.use("/api/v1/*", readAuth(roleTokens));
  app.get("/healthz", (c) => c.json({ status: "ok", version: o.version }));
  app.get("/readyz", (c) => {
    // Ready when the database answers; the statement is reused, as health checks come every few seconds.
    cachedStatement(o.store.db, "SELECT 1").get();
    return c.json({ status: "ready", version: o.version });
  });

  app.use("/api/v1/ingest", ingestObserver(services.metrics), agentAuth(services.credentials));
  const commits = registerIngestRoute(app, {
    store: o.store,
    limits: o.config.ingest,
    commit: { intervalMs: o.config.storage.commitInterval, maxQueuedSamples: o.config.storage.maxQueuedSamples },
    logger: o.logger,
    now,
    onCommit: (stats) => services.metrics.ingest.committed(stats),
  });
  services.metrics.ingest.watchQueue(() => commits.pending.samples);
  registerSeriesRoutes(app, { store: o.store, now });
  const { registry, tokens, credentials, metrics } = services;
  registerEnrollRoute(app, { enrollmentTokens: o.config.auth.enrollmentTokens, credentials, tokens, logger: o.logger, now });
  registerHostAdminRoutes(app, { db: o.store.db, adminTokens: o.config.auth.adminTokens, credentials, tokens, logger: o.logger, now });
  registerHostsRoutes(app, { registry, latest: o.store, now });
  registerViewsRoutes(app, { registry, latest: o.store, now });
  registerMetricsRoute(app, { metrics, hosts: (t) => registry.list(t), latest: o.store, now });
  registerAlertsRoutes(app, { db: o.store.db });
  registerSilencesRoutes(app, { db: o.store.db, adminTokens: o.config.auth.adminTokens, logger: o.logger, now });
  const notify =
    o.notify ??
    new NotifyService({
      db: o.store.db,
      config: o.config,
      configSource: "(config)",
      logger: o.logger,
      now,
      muter: new SilenceMuter(o.store.db),
    });
  registerNotificationRoutes(app, { notify, adminTokens: o.config.auth.adminTokens, logger: o.logger, now });
  const { tokens: amTokens, maxBodyBytes } = o.config.notify.alertmanager;
  registerAlertmanagerIntake(app, { sink: notify.notifier, tokens: amTokens, maxBodyBytes, logger: o.logger, now });
  const actions = registerActions(app, { actions: o.actions, db: o.store.db, config: o.config, services, logger: o.logger, now });
  registerFailover(app, {
    failover: o.failover,
    db: o.store.db,
    config: o.config,
    services,
    latest: o.store,
    sink: notify.notifier,
    actions,
    logger: o.logger,
    now,
  });

  registerUi(app, { ui: o.config.ui, auth: roleTokens, version: o.version });
  registerMcp(app, { db: o.store.db, config: o.config, services, actions, logger: o.logger, now, version: o.version });

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
