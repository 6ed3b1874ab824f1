import type { Hono } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { agentId as agentIdSchema } from "../../shared/protocol/primitives.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import type { AgentCredentials } from "../auth/agent-credentials.ts";
import { readJsonRequest } from "../auth/json-request.ts";
import { agentAuth, authorizeAgent } from "../ingest/agent-auth.ts";
import { type GroupList, type GroupStatus, type LeaseAnswer, pinRequest } from "./api.ts";
import type { FailoverService } from "./failover-service.ts";

export interface FailoverRoutesOptions {
  failover: FailoverService;
  credentials: AgentCredentials;
  adminTokens: readonly Secret[];
  now: () => number;
}

const DEFAULT_HISTORY = 20;
const MAX_HISTORY = 500;

/**
 * The failover API (docs/failover.md). Reading is open like the rest of the API; pins need the admin
 * token (or loopback when the hub has none); the lease is asked by agents with their own token.
 * GET /api/v1/failover, GET /api/v1/failover/:group[?history=N], POST|DELETE /api/v1/failover/:group/pin,
 * GET /api/v1/failover/:group/lease?agent=<id>[&member=<name>].
 */
export function registerFailoverRoutes(app: Hono, o: FailoverRoutesOptions): void {
  const admin = adminAuth({ adminTokens: o.adminTokens });

  app.get("/api/v1/failover", (c) => c.json({ groups: o.failover.list() } satisfies GroupList));

  app.get("/api/v1/failover/:group", (c) => {
    const text = c.req.query("history");
    const limit = text === undefined ? DEFAULT_HISTORY : Number(text);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_HISTORY) {
      throw new ApiError(400, "FAILOVER_QUERY", `history: expected an integer from 0 to ${MAX_HISTORY}`, { field: "history" });
    }
    return c.json(o.failover.status(c.req.param("group"), limit) satisfies GroupStatus);
  });

  app.post("/api/v1/failover/:group/pin", admin, async (c) => {
    const group = c.req.param("group");
    o.failover.status(group); // 404 before the body is read
    const req = await readJsonRequest(c, pinRequest, "FAILOVER_PIN_SCHEMA");
    const until = req.until ?? o.now() + (req.durationMs ?? 0);
    const status = o.failover.pin(group, { member: req.member, until, by: req.by ?? "admin", reason: req.reason ?? null });
    return c.json(status satisfies GroupStatus);
  });

  app.delete("/api/v1/failover/:group/pin", admin, (c) => c.json(o.failover.unpin(c.req.param("group"), "admin") satisfies GroupStatus));

  app.get("/api/v1/failover/:group/lease", agentAuth(o.credentials), (c) => {
    const principal = c.get("agentPrincipal");
    const given = c.req.query("agent");
    // A token bound to one agent says who is asking; others must name the agent.
    const agentId = given ?? (principal.kind === "agent" ? principal.agentId : undefined);
    if (agentId === undefined || !agentIdSchema.safeParse(agentId).success) {
      throw new ApiError(400, "FAILOVER_QUERY", "agent: expected the asking agent's id (?agent=<id>)", { field: "agent" });
    }
    try {
      authorizeAgent(principal, agentId, o.credentials);
    } catch (err) {
      throw err instanceof ApiError ? new ApiError(err.status, err.code, err.message, { field: "agent" }) : err;
    }
    const member = c.req.query("member");
    return c.json(o.failover.lease(c.req.param("group"), agentId, member === "" ? undefined : member) satisfies LeaseAnswer);
  });
}
