import type { Hono } from "hono";
import { type HostActions, actionCatalogMessage } from "../../shared/actions/catalog-summary.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";
import type { AgentCredentials } from "../auth/agent-credentials.ts";
import { agentAuth, assertMaySendAs } from "../ingest/agent-auth.ts";
import type { HostRegistry } from "../registry/host-registry.ts";
import type { CatalogStore } from "./catalog-store.ts";
import { readCappedText } from "./read-body.ts";

/** A catalog of 1,000 actions with long enum lists still fits; more is not a catalog anyone reviews. */
const MAX_CATALOG_BYTES = 1024 * 1024;

export interface CatalogRoutesOptions {
  catalogs: CatalogStore;
  credentials: AgentCredentials;
  registry: HostRegistry;
  logger: Logger;
  now: () => number;
}

/**
 * POST /api/v1/agent/actions/catalog (an agent, with its token): the summary of its action catalog.
 * GET /api/v1/hosts/:id/actions: what the host's agent last reported, `reportedAt: null` if it never did.
 */
export function registerCatalogRoutes(app: Hono, o: CatalogRoutesOptions): void {
  app.post("/api/v1/agent/actions/catalog", agentAuth(o.credentials), async (c) => {
    let input: unknown;
    try {
      input = JSON.parse(await readCappedText(c.req.raw, MAX_CATALOG_BYTES));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError(400, "CATALOG_SCHEMA", `the body is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = actionCatalogMessage.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error.issues);
      const first = issues[0];
      throw new ApiError(400, "CATALOG_SCHEMA", `invalid action catalog: ${first ? `${first.path}: ${first.message}` : "invalid"}`, {
        ...(first ? { field: first.path } : {}),
        issues: issues.slice(0, 20),
      });
    }
    const catalog = parsed.data.payload;
    assertMaySendAs(c, catalog.agentId);
    o.catalogs.put(catalog, o.now());
    o.logger.debug("action catalog received", { agentId: catalog.agentId, actions: catalog.actions.length });
    return c.json({ agentId: catalog.agentId, actions: catalog.actions.length });
  });

  app.get("/api/v1/hosts/:id/actions", (c) => {
    const id = c.req.param("id");
    const stored = o.catalogs.get(id);
    if (!stored && o.registry.get(id, o.now()) === undefined && !o.credentials.holdsToken(id)) {
      throw new ApiError(404, "HOST_NOT_FOUND", `no host with id "${id}" has reported to this hub or holds a token`, { field: "id" });
    }
    const answer: HostActions = {
      agentId: id,
      reportedAt: stored?.reportedAt ?? null,
      receivedAt: stored?.receivedAt ?? null,
      actions: stored?.actions ?? [],
    };
    return c.json(answer);
  });
}
