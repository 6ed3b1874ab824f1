import type { Context, Hono } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { remoteAddress } from "../auth/admin-auth.ts";
import { bearerToken } from "../auth/tokens.ts";
import type { FailoverService } from "../failover/failover-service.ts";
import { displayUrl } from "../failover/status-view.ts";
import { forward } from "./forward.ts";
import { upstreamRequestHeaders } from "./hop-headers.ts";

export interface ProxyRouteOptions {
  failover: FailoverService;
  logger: Logger;
}

/**
 * `/proxy/<group>/<path>` forwards any method to `<active member's url>/<path>` with the query, so
 * clients point at one URL and follow the group's switches (docs/failover.md). Only groups with
 * proxy.enabled; 503 with the members' states when none is healthy. Each answer names the member and
 * the epoch that served it (X-Vigil-Failover-Member, X-Vigil-Failover-Epoch).
 */
export function registerProxyRoute(app: Hono, o: ProxyRouteOptions): void {
  const handler = async (c: Context) => {
    const group = c.req.param("group") ?? "";
    const tokens = o.failover.proxySettings(group)?.tokens ?? [];
    if (tokens.length > 0) {
      const token = bearerToken(c.req.header("authorization"));
      if (typeof token !== "string") {
        throw new ApiError(
          401,
          "PROXY_TOKEN_MISSING",
          `the proxy of group ${group} needs one of its tokens: send 'Authorization: Bearer <token>'`,
        );
      }
      let ok = false;
      for (const t of tokens) ok = t.equals(token) || ok;
      if (!ok) throw new ApiError(401, "PROXY_TOKEN_INVALID", `the token is not one of group ${group}'s proxy.tokens`);
    }
    let target: ReturnType<FailoverService["proxyTarget"]>;
    try {
      target = o.failover.proxyTarget(group);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 503) throw err;
      o.logger.debug("proxy: no healthy member", { group });
      return c.json(err.toBody(), 503);
    }
    const { member, epoch, timeoutMs } = target;
    const incoming = new URL(c.req.url);
    const rest = incoming.pathname.slice(`/proxy/${group}`.length);
    // Built by hand, not resolved as a relative URL: a path such as //other-host must stay on the member.
    const url = new URL(member.url as string);
    url.pathname = url.pathname.replace(/\/$/, "") + (rest === "" ? "/" : rest);
    url.search = incoming.search;
    const headers = upstreamRequestHeaders(c.req.raw.headers, member.headers, {
      dropAuthorization: tokens.length > 0,
      forwardedFor: remoteAddress(c),
    });
    const memberLabel = `${member.name} (${displayUrl(member.url as string)})`;
    o.logger.debug("proxy", { group, member: member.name, epoch, method: c.req.method, path: rest });
    let res: Response;
    try {
      res = await forward(c.req.raw, url, { headers, timeoutMs, memberLabel });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Answered here rather than by the app's error handler, which logs every 5xx as an error: while a
      // member is down each client request would log one. The switch itself is logged once by the failover.
      o.logger.debug("proxy: no answer from the member", { group, member: member.name, code: err.code, message: err.message });
      res = c.json(err.toBody(), err.status as 502);
    }
    res.headers.set("x-vigil-failover-member", member.name);
    res.headers.set("x-vigil-failover-epoch", String(epoch));
    return res;
  };
  app.all("/proxy/:group", handler);
  app.all("/proxy/:group/*", handler);
}
