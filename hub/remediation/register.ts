import type { Hono } from "hono";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { HubConfig } from "../config/types.ts";
import type { AlertSink, Muter } from "../notify/alert-sink.ts";
import { RemediationService, type RemediationRunner } from "./remediation-service.ts";
import { registerRemediationRoutes } from "./routes.ts";
import { remediationRules } from "./rule-table.ts";

export interface RemediationSetup {
  db: Db;
  config: Pick<HubConfig, "remediation" | "rules" | "builtinRules" | "auth" | "actions">;
  /** The hub's action service (HubActions). */
  runner: RemediationRunner;
  sink: AlertSink;
  muter: Muter;
  logger: Logger;
  now?: () => number;
}

/**
 * The hub's remediation: pass it to startRules as the transition hook, then `start` it with the
 * engine's alerts once the rules are loaded; `routes` mounts GET /api/v1/remediation.
 */
export function createRemediation(o: RemediationSetup): { service: RemediationService; routes(app: Hono): void } {
  const rules = remediationRules(o.config);
  const service = new RemediationService({
    db: o.db,
    enabled: o.config.remediation.enabled,
    rules,
    runner: o.runner,
    sink: o.sink,
    muter: o.muter,
    logger: o.logger,
    ...(o.now ? { now: o.now } : {}),
  });
  if (rules.size > 0) {
    o.logger.info(o.config.remediation.enabled ? "automatic remediation on" : "automatic remediation configured but switched off", {
      rules: [...rules.keys()],
    });
  }
  return {
    service,
    routes: (app) =>
      registerRemediationRoutes(app, {
        remediation: service,
        adminTokens: o.config.auth.adminTokens,
        operators: o.config.actions.operators,
      }),
  };
}
