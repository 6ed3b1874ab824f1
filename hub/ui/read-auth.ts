import type { MiddlewareHandler } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import { resolveSession, type SessionOptions } from "./session.ts";

/**
 * GET paths under /api/v1/ that keep their own authentication: what agents ask with their token
 * (action polls, failover leases), the action audit (operator or admin tokens, actions/routes.ts),
 * the public key agents are configured with, and the session itself (it answers who you are).
 */
const OWN_AUTH = [/^\/api\/v1\/agent\//, /^\/api\/v1\/actions(\/.*)?$/, /^\/api\/v1\/failover\/[^/]+\/lease$/, /^\/api\/v1\/session$/];

/**
 * The viewer role on the read API: with `auth.viewerTokens` configured, a GET or HEAD under /api/v1/
 * needs a viewer or admin token (or, without admin tokens, a request from the hub's own machine).
 * Writes keep their own checks (admin-auth.ts, operator-auth.ts). Without viewer tokens reading stays
 * open, as it always was, so existing CLIs and scripts keep working.
 */
export function readAuth(o: SessionOptions): MiddlewareHandler {
  return async function readAuthMiddleware(c, next) {
    const method = c.req.method;
    if (o.viewerTokens.length > 0 && (method === "GET" || method === "HEAD") && !OWN_AUTH.some((p) => p.test(c.req.path))) {
      const session = await resolveSession(c, o);
      if (!session.canRead) {
        throw new ApiError(
          401,
          "READ_TOKEN_MISSING",
          "reading this hub needs a viewer or admin token (auth.viewerTokens, auth.adminTokens): send 'Authorization: Bearer <token>'",
        );
      }
    }
    await next();
  };
}
