import type { Hono } from "hono";
import { addHostRequest, type HostRemoval, type IssuedAgentToken } from "../../shared/api/agent-tokens.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { forgetHost } from "../registry/forget-host.ts";
import { adminAuth } from "./admin-auth.ts";
import type { AgentCredentials } from "./agent-credentials.ts";
import { readJsonRequest } from "./json-request.ts";
import { TokenConflictError, type TokenStore } from "./token-store.ts";

export interface HostAdminRoutesOptions {
  db: Db;
  adminTokens: readonly Secret[];
  credentials: AgentCredentials;
  tokens: TokenStore;
  logger: Logger;
  now: () => number;
}

/**
 * The admin API over agents (auth: admin-auth.ts):
 * POST /api/v1/hosts {id} issues a token bound to id (`vigil hosts add`), shown once;
 * DELETE /api/v1/hosts/:id/token revokes it (`vigil hosts revoke`);
 * DELETE /api/v1/hosts/:id revokes it and deletes the host with everything stored for it (`vigil hosts remove`).
 * A token from the config file (auth.agents) cannot be changed here: 409 TOKEN_CONFIGURED.
 */
export function registerHostAdminRoutes(app: Hono, o: HostAdminRoutesOptions): void {
  const admin = adminAuth({ adminTokens: o.adminTokens });

  app.post("/api/v1/hosts", admin, async (c) => {
    const { id } = await readJsonRequest(c, addHostRequest, "HOST_ADD_SCHEMA");
    refuseConfigured(o.credentials, id);
    let token: string;
    try {
      token = o.tokens.issue(id, { issuedBy: "admin", now: o.now() });
    } catch (err) {
      if (!(err instanceof TokenConflictError)) throw err;
      throw new ApiError(409, "AGENT_ALREADY_ENROLLED", `agent "${id}" already holds a token; revoke it first (vigil hosts revoke ${id})`, {
        field: "id",
      });
    }
    o.logger.info("agent token issued", { agentId: id });
    return c.json({ agentId: id, token } satisfies IssuedAgentToken, 201);
  });

  app.delete("/api/v1/hosts/:id/token", admin, (c) => {
    const id = c.req.param("id");
    refuseConfigured(o.credentials, id);
    if (!o.tokens.revoke(id))
      throw new ApiError(404, "TOKEN_NOT_FOUND", `agent "${id}" holds no token issued by this hub`, { field: "id" });
    o.logger.info("agent token revoked", { agentId: id });
    return c.json({ id, hostRemoved: false, tokenRevoked: true } satisfies HostRemoval);
  });

  app.delete("/api/v1/hosts/:id", admin, (c) => {
    const id = c.req.param("id");
    refuseConfigured(o.credentials, id);
    const result = o.db.transaction(() => ({ tokenRevoked: o.tokens.revoke(id), hostRemoved: forgetHost(o.db, id) }))();
    if (!result.tokenRevoked && !result.hostRemoved) {
      throw new ApiError(404, "HOST_NOT_FOUND", `no host with id "${id}" has reported to this hub or holds a token`, { field: "id" });
    }
    o.logger.info("host removed", { agentId: id, ...result });
    return c.json({ id, ...result } satisfies HostRemoval);
  });
}

function refuseConfigured(credentials: AgentCredentials, id: string): void {
  if (credentials.isConfigured(id)) {
    throw new ApiError(409, "TOKEN_CONFIGURED", `agent "${id}" has its token in the hub's config file (auth.agents): change it there`, {
      field: "id",
    });
  }
}
