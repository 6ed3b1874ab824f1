import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import type { AgentCredentials, AgentPrincipal } from "../auth/agent-credentials.ts";
import { bearerToken } from "../auth/tokens.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by agentAuth() on agent requests: who the bearer token says the sender is. */
    agentPrincipal: AgentPrincipal;
    agentCredentials: AgentCredentials;
  }
}

/**
 * Agent authentication happens in two steps, because the agent id is inside the body:
 * 1. `agentAuth(creds)`, a middleware on the route, checks the bearer token before the body is read
 *    (a stranger costs no decompression) and records the principal on the context;
 * 2. the route calls `assertMaySendAs(c, batch.host.agentId)` once the body is validated and before
 *    anything is stored: a token bound to one agent id cannot send as another.
 */
export function agentAuth(creds: AgentCredentials): MiddlewareHandler {
  return async function agentAuthMiddleware(c, next) {
    c.set("agentPrincipal", authenticateAgent(c.req.header("authorization"), creds));
    c.set("agentCredentials", creds);
    await next();
  };
}

/** Step 2: refuses the request unless its principal may send as `agentId` (see authorizeAgent). */
export function assertMaySendAs(c: Context, agentId: string): void {
  const principal = c.get("agentPrincipal");
  const creds = c.get("agentCredentials");
  if (principal === undefined || creds === undefined)
    throw new Error("assertMaySendAs: the agentAuth middleware did not run on this route");
  authorizeAgent(principal, agentId, creds);
}

/** The principal of a bearer header, or a 401 naming what is wrong (never the token). */
export function authenticateAgent(header: string | undefined, creds: AgentCredentials): AgentPrincipal {
  // An open hub has no token to check a presented one against: every local agent is accepted.
  if (creds.isOpen()) return { kind: "anonymous" };
  const token = bearerToken(header);
  if (token === undefined) {
    throw new ApiError(401, "AGENT_TOKEN_MISSING", "this hub requires an agent token: send 'Authorization: Bearer <token>'");
  }
  if (token === null) throw new ApiError(401, "AGENT_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
  const principal = creds.resolve(token);
  if (!principal) throw new ApiError(401, "AGENT_TOKEN_INVALID", "the agent token is not one this hub accepts");
  return principal;
}

/**
 * A bound token sends as its own agent id only (403 AGENT_ID_MISMATCH otherwise). An agent id that
 * holds a bound token must present it: a shared token (403) or none (401) is not enough for it.
 */
export function authorizeAgent(principal: AgentPrincipal, agentId: string, creds: AgentCredentials): void {
  if (principal.kind === "agent") {
    if (principal.agentId !== agentId) {
      throw new ApiError(403, "AGENT_ID_MISMATCH", `this token belongs to agent "${principal.agentId}", not "${agentId}"`, {
        field: "payload.host.agentId",
      });
    }
    return;
  }
  if (!creds.holdsToken(agentId)) return;
  if (principal.kind === "shared") {
    throw new ApiError(403, "AGENT_TOKEN_REQUIRED", `agent "${agentId}" has its own token: send it instead of a shared one`, {
      field: "payload.host.agentId",
    });
  }
  throw new ApiError(401, "AGENT_TOKEN_MISSING", `agent "${agentId}" has a token: send 'Authorization: Bearer <token>'`);
}
