import type { MiddlewareHandler } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { isLoopbackAddress, remoteAddress } from "../auth/admin-auth.ts";
import { bearerToken } from "../auth/tokens.ts";

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
const PROXY_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

/**
 * Guards the Alertmanager intake. With notify.alertmanager.tokens set, a request must carry one as
 * a bearer token (Alertmanager's `http_config: {authorization: {credentials: ...}}`). With none,
 * only an Alertmanager on the hub's own machine is accepted (loopback, not through a proxy).
 */
export function alertmanagerAuth(o: { tokens: readonly Secret[] }): MiddlewareHandler {
  return async function alertmanagerAuthMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (o.tokens.length > 0) {
      if (token === undefined) {
        throw new ApiError(401, "ALERTMANAGER_TOKEN_MISSING", "send one of notify.alertmanager.tokens as 'Authorization: Bearer <token>'");
      }
      let ok = false;
      for (const t of o.tokens) ok = (token !== null && t.equals(token)) || ok;
      if (!ok) throw new ApiError(401, "ALERTMANAGER_TOKEN_INVALID", "the token is not one of notify.alertmanager.tokens");
    } else {
      const peer = remoteAddress(c);
      const proxied = PROXY_HEADERS.some((h) => c.req.header(h) !== undefined);
      if (peer === undefined || !isLoopbackAddress(peer) || proxied) {
        throw new ApiError(
          403,
          "ALERTMANAGER_LOOPBACK_ONLY",
          "this hub has no notify.alertmanager.tokens, so it accepts Alertmanager payloads only from its own machine",
        );
      }
    }
    await next();
  };
}
