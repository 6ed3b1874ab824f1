import type { HostIdentity } from "../shared/protocol/identity.ts";
import type { AgentCredentials } from "./auth/credentials.ts";
import { requireToken } from "./auth/require-token.ts";
import type { CollectorScheduler } from "./collectors/scheduler.ts";
import { jsonReply, Router } from "./http/router.ts";
import { registerMetricsRoute } from "./metrics/metrics-route.ts";
import type { AgentSelfMetrics } from "./metrics/self-metrics.ts";
import type { Logger } from "../shared/log/logger.ts";
import type { AgentStore } from "./store/agent-store.ts";
import { registerPullRoutes } from "./transport/pull-routes.ts";
import type { Pusher } from "./transport/pusher.ts";
import type { BatchSealer } from "./transport/sealer.ts";

export interface AgentAppOptions {
  store: AgentStore;
  scheduler: CollectorScheduler;
  sealer: BatchSealer;
  /** Undefined in pull mode. */
  pusher: Pusher | undefined;
  host: HostIdentity;
  version: string;
  mode: "push" | "pull";
  credentials: AgentCredentials;
  /** True when the agent listens on a loopback address only. */
  loopback: boolean;
  outboxMaxBytes: number;
  /** Series older than this are left out of /metrics and the snapshot. */
  staleAfterMs: number;
  /** The agent's self-metrics for /metrics (fed by the scheduler, pusher and actions); a fresh set when not given. */
  selfMetrics?: AgentSelfMetrics;
  /** For what the pull routes must tell (a pulling hub that made the outbox renumber its batches). */
  logger?: Logger;
  now?: () => number;
}

/**
 * The agent's HTTP endpoints. /healthz is always open. The pull endpoints need the agent's token
 * whenever it has one (also on loopback); /readyz and /metrics need it when the agent listens
 * beyond loopback. Served by a small router on node:http, not Hono: see agent/http/router.ts.
 */
export function createAgentApp(o: AgentAppOptions): Router {
  const now = o.now ?? Date.now;
  const app = new Router();
  const counters = { pullBatchesServed: 0 };
  const tokenBeyondLoopback = requireToken({ credentials: o.credentials, when: "beyond-loopback", loopback: o.loopback });
  const tokenAlways = requireToken({ credentials: o.credentials, when: "always", loopback: o.loopback });

  app.get("/healthz", () => jsonReply(200, { status: "ok", agentId: o.host.agentId, version: o.version }));
  app.guard("/readyz", tokenBeyondLoopback);
  app.guard("/metrics", tokenBeyondLoopback);
  app.guard("/api/*", tokenAlways);

  app.get("/readyz", () => {
    const ready = o.scheduler.allRanOnce();
    const body = {
      status: ready ? "ready" : "starting",
      mode: o.mode,
      collectors: o.scheduler.statuses().map((s) => ({ name: s.name, state: s.state, detail: s.detail })),
      outbox: o.store.outbox.stats(),
      push: o.pusher?.counters,
    };
    return jsonReply(ready ? 200 : 503, body);
  });
  registerMetricsRoute(app, {
    store: o.store,
    staleAfterMs: o.staleAfterMs,
    selfMetrics: o.selfMetrics,
    agentState: () => ({
      agentId: o.host.agentId,
      version: o.version,
      mode: o.mode,
      outbox: o.store.outbox.stats(),
      outboxMaxBytes: o.outboxMaxBytes,
      push: o.pusher?.counters,
      pullBatchesServed: counters.pullBatchesServed,
      now: now(),
    }),
  });
  registerPullRoutes(app, {
    store: o.store,
    scheduler: o.scheduler,
    sealer: o.sealer,
    host: o.host,
    pullMode: o.mode === "pull",
    staleAfterMs: o.staleAfterMs,
    counters,
    logger: o.logger,
    now,
  });
  return app;
}
