import { Hono } from "hono";
import type { CollectorScheduler } from "./collectors/scheduler.ts";
import type { AgentStore } from "./store/agent-store.ts";
import type { Pusher } from "./transport/pusher.ts";

export interface AgentAppOptions {
  store: AgentStore;
  scheduler: CollectorScheduler;
  pusher: Pusher;
  agentId: string;
  version: string;
}

/** The agent's HTTP endpoints: liveness and readiness now; /metrics and pull endpoints build on it. */
export function createAgentApp(o: AgentAppOptions): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok", agentId: o.agentId, version: o.version }));
  app.get("/readyz", (c) => {
    const ready = o.scheduler.allRanOnce();
    const outbox = o.store.outboxStats();
    const body = {
      status: ready ? "ready" : "starting",
      collectors: o.scheduler.statuses().map((s) => ({ name: s.name, state: s.state, detail: s.detail })),
      outbox,
      push: o.pusher.counters,
    };
    return c.json(body, ready ? 200 : 503);
  });
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
