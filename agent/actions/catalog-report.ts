import { type ActionCatalog, type CatalogEntry, actionCatalogMessage } from "../../shared/actions/catalog-summary.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { backoffDelayMs, type BackoffPolicy, classifyHttpStatus } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";
import { httpPost } from "../transport/http-post.ts";
import type { ActionsConfig } from "./config.ts";

/**
 * How often the summary is sent again after it was accepted: a hub whose database was restored or
 * replaced learns the catalog within this time, without the agent having to notice.
 */
const REFRESH_MS = 10 * 60_000;

/** The catalog as the hub may show it: names, risk, parameter rules, target; never the argv. Pure. */
export function summarizeCatalog(agentId: string, catalog: ActionsConfig["catalog"], now: number): ActionCatalog {
  const actions: CatalogEntry[] = Object.entries(catalog).map(([name, spec]) => ({
    name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    risk: spec.risk,
    params: spec.params,
    target: spec.target ?? name,
    timeoutMs: spec.timeout,
  }));
  return { agentId, reportedAt: now, actions };
}

export interface CatalogReportOptions {
  catalog: ActionsConfig["catalog"];
  agentId: string;
  hubUrl: string;
  token: () => Secret | undefined;
  backoff: BackoffPolicy;
  requestTimeoutMs: number;
  logger: Logger;
  refreshMs?: number;
  now?: () => number;
}

/**
 * Tells the hub which actions this agent allows (POST /api/v1/agent/actions/catalog), so that people
 * and assistants can see them with their risk and parameters: at start, retried with backoff until
 * the hub accepts it (enrollment may still be under way), then every REFRESH_MS. One small request;
 * nothing is kept in memory but the timer.
 */
export function startCatalogReport(o: CatalogReportOptions): { stop(): void } {
  const url = new URL("api/v1/agent/actions/catalog", o.hubUrl.endsWith("/") ? o.hubUrl : `${o.hubUrl}/`);
  const now = o.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;
  let lastError: string | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void send(), ms);
    timer.unref();
  };

  const send = async () => {
    const message = actionCatalogMessage.parse({
      protocolVersion: PROTOCOL_VERSION,
      kind: "action_catalog",
      payload: summarizeCatalog(o.agentId, o.catalog, now()),
    });
    const token = o.token();
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token.reveal()}`;
    let why: string;
    let retryIn = backoffDelayMs(failures++, o.backoff);
    try {
      const res = await httpPost(url, headers, Buffer.from(JSON.stringify(message)), o.requestTimeoutMs);
      const decision = classifyHttpStatus(res.status);
      if (decision === "success") {
        if (lastError !== undefined) o.logger.info("action catalog reported to the hub", { actions: message.payload.actions.length });
        failures = 0;
        lastError = undefined;
        return schedule(o.refreshMs ?? REFRESH_MS);
      }
      why = `the hub answered ${res.status}: ${res.body.slice(0, 200)}`;
      // A hub older than this agent answers 404: it cannot show the catalog (actions still work), and
      // asking again at backoff pace would not change that.
      if (decision === "failure") retryIn = o.refreshMs ?? REFRESH_MS;
    } catch (err) {
      const e = err as Error & { code?: string };
      why = `cannot reach the hub: ${e.code ?? e.name}: ${e.message}`;
    }
    if (why !== lastError) o.logger.warn("reporting the action catalog to the hub failed; retrying", { why });
    lastError = why;
    schedule(retryIn);
  };

  void send();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
