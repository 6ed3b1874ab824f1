import { join } from "node:path";
import type { Hono } from "hono";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { HubConfig } from "../config/types.ts";
import type { RegistryServices } from "../registry/services.ts";
import { HubActions } from "./hub-actions.ts";
import { registerActionRoutes } from "./routes.ts";
import { ephemeralSigningKey, loadOrCreateSigningKey, type SigningKey } from "./signing-key.ts";

export interface HubActionsSetup {
  db: Db;
  config: Pick<HubConfig, "actions" | "dataDir" | "auth">;
  services: Pick<RegistryServices, "registry" | "credentials" | "metrics">;
  logger: Logger;
  now: () => number;
}

/** The signing key's file: actions.signingKeyFile, else action-signing.key in the data directory. */
export function signingKeyFile(config: HubActionsSetup["config"]): string {
  return config.actions.signingKeyFile ?? join(config.dataDir, "action-signing.key");
}

/** The running hub's actions, with the signing key of its data directory (created at first start). */
export function createHubActions(o: HubActionsSetup, key?: SigningKey): HubActions {
  const { actions } = o.config;
  const file = signingKeyFile(o.config);
  const loaded = key ? { ...key, created: false } : loadOrCreateSigningKey(file);
  const hub = new HubActions({
    db: o.db,
    key: loaded,
    timing: {
      requestTtl: actions.requestTtl,
      resultWait: actions.resultWait,
      pollTimeout: actions.pollTimeout,
      confirmTimeout: actions.confirmTimeout,
    },
    hostKnown: (id) => o.services.registry.get(id, o.now()) !== undefined || o.services.credentials.holdsToken(id),
    logger: o.logger.child({ component: "actions" }),
    now: o.now,
    onRequest: (outcome) => o.services.metrics.operations.actionRequest(outcome),
    onResult: (status) => o.services.metrics.operations.actionResult(status),
  });
  if (loaded.created) {
    o.logger.info("created the action signing key; put its public half in each agent's actions.hubPublicKey", {
      file,
      publicKey: hub.publicKey,
    });
  }
  return hub;
}

/**
 * Mounts the action API on the hub's app. Without `actions` (hub apps built in tests) the key lives
 * in memory only, so nothing is written into a data directory the test did not make.
 */
export function registerActions(app: Hono, o: HubActionsSetup & { actions?: HubActions | undefined }): HubActions {
  const actions = o.actions ?? createHubActions(o, ephemeralSigningKey());
  registerActionRoutes(app, {
    actions,
    credentials: o.services.credentials,
    adminTokens: o.config.auth.adminTokens,
    operators: o.config.actions.operators,
  });
  return actions;
}
