import { z } from "zod";
import { actionRecord } from "../../shared/actions/api.ts";

/**
 * The HTTP API around the MCP server (docs/mcp.md): danger requests waiting for a person, and the
 * audit of MCP calls. The routes answer with these shapes and `vigil mcp` validates with them.
 */

export const pendingStatus = z.enum(["pending", "confirmed", "denied", "expired"]);
export type PendingStatus = z.infer<typeof pendingStatus>;

/** A danger action an assistant asked for through MCP. */
export const pendingRequest = z.object({
  id: z.string(),
  /** The MCP client's name (mcp.clients, "admin" or "local"). */
  client: z.string(),
  agentId: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  reason: z.string(),
  dryRun: z.boolean(),
  createdAt: z.int(),
  expiresAt: z.int(),
  status: pendingStatus,
  /** The person who confirmed or denied it (`user:<name>`), or null. */
  decidedBy: z.string().nullable(),
  decidedAt: z.int().nullable(),
  decisionNote: z.string().nullable(),
  /** The signed action request made on confirmation (see GET /api/v1/actions?requestId=). */
  requestId: z.string().nullable(),
});
export type PendingRequest = z.infer<typeof pendingRequest>;

/** GET /api/v1/mcp/pending */
export const pendingList = z.object({ pending: z.array(pendingRequest) });
export type PendingList = z.infer<typeof pendingList>;

/** POST /api/v1/mcp/pending/:id/confirm: the request, now confirmed, and the action it started. */
export const pendingConfirmation = z.object({ pending: pendingRequest, action: actionRecord });
export type PendingConfirmation = z.infer<typeof pendingConfirmation>;

/** POST /api/v1/mcp/pending/:id/confirm body. */
export const confirmBody = z.strictObject({
  /** How long the hub waits for the agent's result (default: actions.resultWait). */
  waitMs: z.int().min(0).max(600_000).optional(),
});

/** POST /api/v1/mcp/pending/:id/deny body. */
export const denyBody = z.strictObject({ note: z.string().min(1).max(500).optional() });

export const mcpOutcome = z.enum(["started", "ok", "error", "refused", "pending"]);
export type McpOutcome = z.infer<typeof mcpOutcome>;

/** One MCP call in the audit. */
export const mcpCallRecord = z.object({
  id: z.int(),
  at: z.int(),
  client: z.string(),
  kind: z.enum(["tool", "resource"]),
  /** The tool's name or the resource's URI. */
  name: z.string(),
  arguments: z.unknown(),
  outcome: mcpOutcome,
  code: z.string().nullable(),
  message: z.string().nullable(),
  requestId: z.string().nullable(),
  pendingId: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type McpCallRecord = z.infer<typeof mcpCallRecord>;

/** GET /api/v1/mcp/calls */
export const mcpCallLog = z.object({ calls: z.array(mcpCallRecord) });
export type McpCallLog = z.infer<typeof mcpCallLog>;
