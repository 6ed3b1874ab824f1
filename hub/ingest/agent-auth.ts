import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";

/**
 * Checks the bearer token of an ingest request. With no tokens configured (allowed only when the
 * hub listens on loopback, enforced by the config schema) every local agent is accepted.
 */
export function checkAgentToken(header: string | undefined, tokens: readonly Secret[]): void {
  if (tokens.length === 0) return;
  if (header === undefined || header === "") {
    throw new ApiError(401, "AGENT_TOKEN_MISSING", "this hub requires an agent token: send 'Authorization: Bearer <token>'");
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new ApiError(401, "AGENT_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
  const presented = m[1] as string;
  // Compare against every token (no early exit), so timing does not tell which one nearly matched.
  let ok = false;
  for (const t of tokens) ok = t.equals(presented) || ok;
  if (!ok) throw new ApiError(401, "AGENT_TOKEN_INVALID", "the agent token is not one this hub accepts");
}
