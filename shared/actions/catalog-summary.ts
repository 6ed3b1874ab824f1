import { z } from "zod";
import { actionName, agentId, timestampMs } from "../protocol/primitives.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";

/**
 * What an agent tells the hub about its action catalog: each action's name, risk class, parameter
 * rules and target, never its argv (the hub needs to describe an action, not to run it). The agent
 * posts it when it starts taking requests and again every few minutes (agent/actions/catalog-report.ts);
 * the hub keeps the latest (hub/mcp/catalog-store.ts) for `GET /api/v1/hosts/:id/actions` and the MCP
 * server. The agent stays the enforcement point: a stale summary can only describe, never allow.
 * Objects are parsed non-strict, like the rest of the protocol, so a newer agent may add fields.
 */
export const catalogParam = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enum"), values: z.array(z.string().max(256)).max(1024) }),
  z.object({
    type: z.literal("string"),
    pattern: z.string().max(4096),
    maxLength: z.int().min(1).max(4096),
    allowLeadingDash: z.boolean().default(false),
  }),
  z.object({ type: z.literal("integer"), min: z.int(), max: z.int() }),
]);
export type CatalogParam = z.infer<typeof catalogParam>;

export const riskClass = z.enum(["safe", "caution", "danger"]);
export type RiskClass = z.infer<typeof riskClass>;

export const catalogEntry = z.object({
  name: actionName,
  description: z.string().max(500).optional(),
  risk: riskClass,
  params: z.record(z.string().max(64), catalogParam).default({}),
  /** The target template, e.g. "unit:{unit}": requests for one target run one after another. */
  target: z.string().max(256),
  timeoutMs: z.int().positive(),
});
export type CatalogEntry = z.infer<typeof catalogEntry>;

export const actionCatalog = z.object({
  agentId,
  /** When the agent built this summary (its clock). */
  reportedAt: timestampMs,
  actions: z.array(catalogEntry).max(1000),
});
export type ActionCatalog = z.infer<typeof actionCatalog>;

/**
 * `POST /api/v1/agent/actions/catalog`: the summary in the protocol's envelope shape. The kind is not
 * in shared/protocol/envelope.ts's table yet (that file is shared by every message); it can move there
 * unchanged.
 */
export const actionCatalogMessage = z.object({
  protocolVersion: z.literal(PROTOCOL_VERSION, { error: `unsupported protocol version (this build speaks ${PROTOCOL_VERSION})` }),
  kind: z.literal("action_catalog"),
  payload: actionCatalog,
});
export type ActionCatalogMessage = z.infer<typeof actionCatalogMessage>;

/** GET /api/v1/hosts/:id/actions: the catalog the agent last reported; `reportedAt` null when it never did. */
export const hostActions = z.object({
  agentId: z.string(),
  reportedAt: timestampMs.nullable(),
  /** When the hub received it. */
  receivedAt: timestampMs.nullable(),
  actions: z.array(catalogEntry),
});
export type HostActions = z.infer<typeof hostActions>;
