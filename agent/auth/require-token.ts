import type { ErrorBody } from "../../shared/api/error-body.ts";
import { type Guard, jsonReply } from "../http/router.ts";
import type { AgentCredentials } from "./credentials.ts";

export interface RequireTokenOptions {
  credentials: AgentCredentials;
  /**
   * `always`: the token is required whenever the agent has one (the pull endpoints, even on loopback).
   * `beyond-loopback`: only when the agent listens on another address (/metrics, /readyz).
   */
  when: "always" | "beyond-loopback";
  loopback: boolean;
}

/**
 * Checks `Authorization: Bearer <the agent's token>`. An agent listening beyond loopback always has
 * a token or is enrolling for one (run-agent refuses to start otherwise), so nothing there is open.
 */
export function requireToken(o: RequireTokenOptions): Guard {
  return function checkAgentToken(req) {
    const { token, pending } = o.credentials;
    if (o.when === "beyond-loopback" && o.loopback) return undefined;
    if (token === undefined) {
      if (!pending && o.loopback) return undefined;
      const body: ErrorBody = { error: { code: "AGENT_NOT_ENROLLED", message: "the agent has no token yet: enrollment is under way" } };
      return jsonReply(503, body, { "retry-after": "5" });
    }
    const header = req.header("authorization");
    const presented = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (presented === undefined) {
      const body: ErrorBody = {
        error: { code: "AGENT_TOKEN_MISSING", message: "this endpoint requires the agent's token: send 'Authorization: Bearer <token>'" },
      };
      return jsonReply(401, body, { "www-authenticate": 'Bearer realm="vigil-agent"' });
    }
    if (!token.equals(presented)) {
      const body: ErrorBody = { error: { code: "AGENT_TOKEN_INVALID", message: "the token is not this agent's token" } };
      return jsonReply(401, body, { "www-authenticate": 'Bearer realm="vigil-agent", error="invalid_token"' });
    }
    return undefined;
  };
}

/** True for addresses only this host can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1";
}
