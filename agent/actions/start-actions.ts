import type { Secret } from "../../shared/config/secret.ts";
import { parsePublicKey } from "../../shared/actions/signing.ts";
import type { BackoffPolicy } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { ActionAudit } from "./action-audit.ts";
import { ActionLink } from "./action-link.ts";
import { ActionCatalog } from "./catalog.ts";
import { startCatalogReport } from "./catalog-report.ts";
import type { ActionsConfig } from "./config.ts";
import { execute } from "./execute.ts";
import { ActionHandler } from "./handle-request.ts";
import { NonceStore } from "./nonce-store.ts";
import { TargetQueue } from "./target-queue.ts";

export interface StartActionsOptions {
  config: ActionsConfig;
  db: Db;
  agentId: string;
  hubUrl: string;
  token: () => Secret | undefined;
  backoff: BackoffPolicy;
  requestTimeoutMs: number;
  logger: Logger;
  /** Told of each request handled, with whether its action is in the catalog (the agent's self-metrics). */
  onHandled?: (action: string, listed: boolean, status: string) => void;
}

export interface RunningActions {
  stop(): Promise<void>;
}

/**
 * Starts taking action requests from the hub, when the catalog lists any. run-agent.ts loads this
 * module with a dynamic import only then, so an agent without actions pays nothing for them.
 */
export function startActions(o: StartActionsOptions): RunningActions {
  const { config } = o;
  const logger = o.logger.child({ component: "actions" });
  const catalog = new ActionCatalog(config.catalog);
  const handler = new ActionHandler({
    catalog,
    audit: new ActionAudit(o.db),
    nonces: new NonceStore(o.db, config.maxClockSkew),
    queue: new TargetQueue(config.maxQueuedPerTarget),
    // The schema checked the key already; it is required whenever the catalog is not empty.
    publicKey: parsePublicKey(config.hubPublicKey ?? ""),
    agentId: o.agentId,
    maxClockSkewMs: config.maxClockSkew,
    maxLifetimeMs: config.maxRequestLifetime,
    path: config.path,
    execute,
    logger,
  });
  const link = new ActionLink({
    hubUrl: o.hubUrl,
    agentId: o.agentId,
    token: o.token,
    handler: {
      handle: async (envelope) => {
        const result = await handler.handle(envelope);
        o.onHandled?.(result.action, Object.hasOwn(config.catalog, result.action), result.status);
        return result;
      },
      redelivered: (envelope) => handler.redelivered(envelope),
    },
    logger,
    backoff: o.backoff,
    requestTimeoutMs: o.requestTimeoutMs,
  });
  link.start();
  const { hubUrl, agentId, token, backoff, requestTimeoutMs } = o;
  const report = startCatalogReport({ catalog: config.catalog, hubUrl, agentId, token, backoff, requestTimeoutMs, logger });
  logger.info("taking action requests from the hub", { actions: catalog.names() });
  return {
    stop: () => {
      report.stop();
      return link.stop();
    },
  };
}
