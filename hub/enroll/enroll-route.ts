import type { Hono } from "hono";
import { type IssuedAgentToken, enrollRequest } from "../../shared/api/agent-tokens.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { AgentCredentials } from "../auth/agent-credentials.ts";
import { readJsonRequest } from "../auth/json-request.ts";
import { TokenConflictError, type TokenStore } from "../auth/token-store.ts";
import { bearerToken } from "../auth/tokens.ts";

export interface EnrollRouteOptions {
  enrollmentTokens: readonly Secret[];
  credentials: AgentCredentials;
  tokens: TokenStore;
  logger: Logger;
  now: () => number;
}

/**
 * POST /api/v1/enroll: an agent holding an enrollment token (auth.enrollmentTokens) asks for its own
 * token, bound to its agent id. 201 {agentId, token}; 401 for a missing or unknown enrollment token;
 * 400 naming the field of a bad body; 409 AGENT_ALREADY_ENROLLED when the id already holds a token
 * (a second machine cannot take over an enrolled id; `vigil hosts revoke <id>` frees it).
 */
export function registerEnrollRoute(app: Hono, o: EnrollRouteOptions): void {
  app.post("/api/v1/enroll", async (c) => {
    checkEnrollmentToken(c.req.header("authorization"), o.enrollmentTokens);
    const body = await readJsonRequest(c, enrollRequest, "ENROLL_SCHEMA");
    if (o.credentials.holdsToken(body.agentId)) throw alreadyEnrolled(body.agentId);
    let token: string;
    try {
      token = o.tokens.issue(body.agentId, { issuedBy: "enrollment", hostname: body.hostname, now: o.now() });
    } catch (err) {
      if (err instanceof TokenConflictError) throw alreadyEnrolled(body.agentId);
      throw err;
    }
    o.logger.info("agent enrolled", { agentId: body.agentId, hostname: body.hostname });
    return c.json({ agentId: body.agentId, token } satisfies IssuedAgentToken, 201);
  });
}

function checkEnrollmentToken(header: string | undefined, tokens: readonly Secret[]): void {
  if (tokens.length === 0) {
    throw new ApiError(401, "ENROLLMENT_DISABLED", "this hub accepts no enrollment: it has no auth.enrollmentTokens");
  }
  const token = bearerToken(header);
  if (token === undefined) {
    throw new ApiError(401, "ENROLLMENT_TOKEN_MISSING", "enrollment needs an enrollment token: send 'Authorization: Bearer <token>'");
  }
  let ok = false;
  if (token !== null) for (const t of tokens) ok = t.equals(token) || ok;
  if (!ok) throw new ApiError(401, "ENROLLMENT_TOKEN_INVALID", "the enrollment token is not one this hub accepts");
}

function alreadyEnrolled(agentId: string): ApiError {
  return new ApiError(
    409,
    "AGENT_ALREADY_ENROLLED",
    `agent "${agentId}" already holds a token; to enroll it again, revoke that one first (vigil hosts revoke ${agentId})`,
    { field: "agentId" },
  );
}
