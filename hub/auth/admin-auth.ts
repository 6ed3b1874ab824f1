import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { bearerToken } from "./tokens.ts";

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
const PROXY_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

/**
 * Guards the admin API (issuing and revoking agent tokens). With `auth.adminTokens` configured, a
 * request must carry one of them. With none, only requests from the hub's own machine are accepted:
 * the socket's peer must be loopback and no proxy header may be present, because a reverse proxy on
 * the same machine would otherwise make every outside request look local.
 */
export function adminAuth(o: { adminTokens: readonly Secret[] }): MiddlewareHandler {
  return async function adminAuthMiddleware(c, next) {
    checkAdmin(c, o.adminTokens);
    await next();
  };
}

function checkAdmin(c: Context, adminTokens: readonly Secret[]): void {
  const token = bearerToken(c.req.header("authorization"));
  if (adminTokens.length > 0) {
    if (token === undefined)
      throw new ApiError(
        401,
        "ADMIN_TOKEN_MISSING",
        "this call needs an admin token (auth.adminTokens): send 'Authorization: Bearer <token>'",
      );
    if (token === null) throw new ApiError(401, "ADMIN_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
    let ok = false;
    for (const t of adminTokens) ok = t.equals(token) || ok;
    if (!ok) throw new ApiError(401, "ADMIN_TOKEN_INVALID", "the admin token is not one this hub accepts");
    return;
  }
  const peer = remoteAddress(c);
  const proxied = PROXY_HEADERS.some((h) => c.req.header(h) !== undefined);
  if (peer === undefined || !isLoopbackAddress(peer) || proxied) {
    throw new ApiError(
      403,
      "ADMIN_LOOPBACK_ONLY",
      "this hub has no auth.adminTokens, so admin calls are accepted only from its own machine (loopback, not through a proxy)",
    );
  }
}

/** The peer address of the connection, when the app runs on @hono/node-server (tests pass it as env.incoming). */
export function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: Pick<IncomingMessage, "socket"> } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? undefined;
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
