import type { Hono } from "hono";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { HubConfig } from "../config/types.ts";
import type { RegistryServices } from "../registry/services.ts";
import { McpAuditStore } from "./audit-store.ts";
import { registerCatalogRoutes } from "./catalog-routes.ts";
import { CatalogStore } from "./catalog-store.ts";
import { inProcessHubApi } from "./hub-api.ts";
import { registerMcpRoute } from "./mcp-route.ts";
import { registerPendingRoutes } from "./pending-routes.ts";
import { PendingService } from "./pending-service.ts";
import { PendingStore } from "./pending-store.ts";
import type { ActionsPort } from "./tools/tool-kit.ts";

export interface McpSetup {
  db: Db;
  config: Pick<HubConfig, "mcp" | "auth" | "actions">;
  services: Pick<RegistryServices, "registry" | "credentials">;
  /** The hub's HubActions: signs and queues what the MCP policy lets through. */
  actions: ActionsPort;
  logger: Logger;
  now: () => number;
  version: string;
}

/**
 * Mounts everything of the MCP server on the hub's app: /mcp itself, the agents' catalog intake and
 * GET /api/v1/hosts/:id/actions, and the people's API for danger requests and the MCP audit
 * (docs/mcp.md). The tools read the hub's API in-process through `app`, so call this after the
 * routes they read are registered or not: they are looked up at request time.
 */
export function registerMcp(app: Hono, o: McpSetup): void {
  const { mcp, auth, actions: actionsConfig } = o.config;
  const logger = o.logger.child({ component: "mcp" });
  const catalogs = new CatalogStore(o.db);
  const audit = new McpAuditStore(o.db, { retentionMs: mcp.auditRetention, now: o.now });
  const pending = new PendingService({
    store: new PendingStore(o.db),
    actions: o.actions,
    confirmTtlMs: mcp.confirmTtl,
    logger,
    now: o.now,
  });
  registerCatalogRoutes(app, { catalogs, credentials: o.services.credentials, registry: o.services.registry, logger, now: o.now });
  registerPendingRoutes(app, { pending, audit, adminTokens: auth.adminTokens, operators: actionsConfig.operators });
  registerMcpRoute(app, {
    enabled: mcp.enabled,
    auth: { clients: mcp.clients, adminTokens: auth.adminTokens },
    tools: { api: inProcessHubApi(app), actions: o.actions, catalogs, pending, settings: mcp, now: o.now },
    audit,
    version: o.version,
  });
}
