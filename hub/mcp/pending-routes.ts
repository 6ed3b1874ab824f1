import type { Context, Hono } from "hono";
import { z } from "zod";
import { FINAL_STATUSES } from "../../shared/actions/api.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";
import { authenticateOperator, type OperatorAuthOptions } from "../actions/operator-auth.ts";
import { readJsonRequest } from "../auth/json-request.ts";
import {
  confirmBody,
  denyBody,
  type McpCallLog,
  type PendingConfirmation,
  type PendingList,
  type PendingRequest,
  pendingStatus,
} from "./api-schemas.ts";
import type { McpAuditStore } from "./audit-store.ts";
import type { PendingService } from "./pending-service.ts";

export interface PendingRoutesOptions extends OperatorAuthOptions {
  pending: PendingService;
  audit: McpAuditStore;
}

const pendingQuery = z.strictObject({
  status: pendingStatus.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

const callsQuery = z.strictObject({
  client: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/**
 * The people's side of MCP, with the operator and admin tokens of the action API (never an MCP
 * client's token, so an assistant cannot confirm its own request):
 * GET /api/v1/mcp/pending[?status=&limit=], GET /api/v1/mcp/pending/:id,
 * POST /api/v1/mcp/pending/:id/confirm {waitMs?} (admin; 200 when the action finished, 202 while it runs),
 * POST /api/v1/mcp/pending/:id/deny {note?}, GET /api/v1/mcp/calls[?client=&limit=] (the MCP audit).
 */
export function registerPendingRoutes(app: Hono, o: PendingRoutesOptions): void {
  app.get("/api/v1/mcp/pending", async (c) => {
    await authenticateOperator(c, o);
    const q = parseQuery(c, pendingQuery, "MCP_QUERY_INVALID");
    return c.json({ pending: o.pending.list(q) } satisfies PendingList);
  });

  app.get("/api/v1/mcp/pending/:id", async (c) => {
    await authenticateOperator(c, o);
    return c.json(o.pending.get(c.req.param("id")) satisfies PendingRequest);
  });

  app.post("/api/v1/mcp/pending/:id/confirm", async (c) => {
    const op = await authenticateOperator(c, o);
    const body = await readOptionalJson(c, confirmBody, "MCP_CONFIRM_SCHEMA");
    const answer = await o.pending.confirm(c.req.param("id"), op, body.waitMs, c.req.raw.signal);
    return c.json(answer satisfies PendingConfirmation, FINAL_STATUSES.has(answer.action.status) ? 200 : 202);
  });

  app.post("/api/v1/mcp/pending/:id/deny", async (c) => {
    const op = await authenticateOperator(c, o);
    const body = await readOptionalJson(c, denyBody, "MCP_DENY_SCHEMA");
    return c.json(o.pending.deny(c.req.param("id"), op, body.note) satisfies PendingRequest);
  });

  app.get("/api/v1/mcp/calls", async (c) => {
    await authenticateOperator(c, o);
    const q = parseQuery(c, callsQuery, "MCP_QUERY_INVALID");
    return c.json({ calls: o.audit.list(q) } satisfies McpCallLog);
  });
}

function parseQuery<S extends z.ZodType>(c: Context, schema: S, code: string): z.output<S> {
  const parsed = schema.safeParse(c.req.query(), { reportInput: true });
  if (parsed.success) return parsed.data;
  const first = toFieldIssues(parsed.error.issues)[0];
  throw new ApiError(400, code, `invalid query: ${first ? `${first.path}: ${first.message}` : "invalid"}`, {
    ...(first ? { field: first.path } : {}),
  });
}

/** A body is optional for confirm and deny: `vigil mcp confirm <id>` sends none when it has nothing to say. */
async function readOptionalJson<S extends z.ZodType>(c: Context, schema: S, code: string): Promise<z.output<S>> {
  const length = c.req.header("content-length");
  if ((length === undefined || length === "0") && c.req.header("transfer-encoding") === undefined) return schema.parse({});
  return readJsonRequest(c, schema, code);
}
