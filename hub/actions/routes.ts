import type { Hono } from "hono";
import { z } from "zod";
import { type ActionLog, type ActionPublicKey, type ActionRecord, FINAL_STATUSES, runActionRequest } from "../../shared/actions/api.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { agentId as agentIdSchema } from "../../shared/protocol/primitives.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";
import type { AgentCredentials } from "../auth/agent-credentials.ts";
import { readJsonRequest } from "../auth/json-request.ts";
import { readCappedJson } from "../http/read-capped-json.ts";
import { agentAuth, assertMaySendAs } from "../ingest/agent-auth.ts";
import { MAX_ACKS_PER_POLL } from "./action-delivery.ts";
import type { HubActions } from "./hub-actions.ts";
import { authenticateOperator, type OperatorAuthOptions } from "./operator-auth.ts";

export interface ActionRoutesOptions extends OperatorAuthOptions {
  actions: HubActions;
  credentials: AgentCredentials;
}

/** A result carries at most two captured outputs of up to 1 MiB each (agent/actions/config.ts), plus the argv. */
const MAX_RESULT_BYTES = 4 * 1024 * 1024;

/** On a poll's answer: 1 for a request's first handover, more when an unconfirmed one is handed over again. */
export const DELIVERY_ATTEMPT_HEADER = "vigil-delivery-attempt";
const REQUEST_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const listQuery = z.strictObject({
  agentId: agentIdSchema.optional(),
  requestId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/**
 * The action API.
 * Operators (operator-auth.ts): POST /api/v1/actions runs one (200 when finished, 202 while the agent
 * has not answered yet), GET /api/v1/actions reads the audit (?agentId=, ?requestId=, ?limit=).
 * Open: GET /api/v1/actions/public-key, the key agents verify requests with.
 * Agents (their bearer token): GET /api/v1/agent/actions/next?agentId= (long poll: 200 with a signed
 * action_request and its handover number in Vigil-Delivery-Attempt, or 204; `delivery=ack` when the
 * agent acks what it receives, with `ack=<requestId>` for each request received since its last
 * answered poll), POST /api/v1/agent/actions/:requestId/result (an action_result).
 */
export function registerActionRoutes(app: Hono, o: ActionRoutesOptions): void {
  app.get("/api/v1/actions/public-key", (c) => c.json({ algorithm: "ed25519", publicKey: o.actions.publicKey } satisfies ActionPublicKey));

  app.post("/api/v1/actions", async (c) => {
    const operator = await authenticateOperator(c, o);
    const body = await readJsonRequest(c, runActionRequest, "ACTION_REQUEST_SCHEMA");
    const record = await o.actions.run(operator, body, c.req.raw.signal);
    return c.json(record satisfies ActionRecord, FINAL_STATUSES.has(record.status) ? 200 : 202);
  });

  app.get("/api/v1/actions", async (c) => {
    await authenticateOperator(c, o);
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const first = toFieldIssues(parsed.error.issues)[0];
      throw new ApiError(400, "ACTION_QUERY_INVALID", `invalid query: ${first ? `${first.path}: ${first.message}` : "invalid"}`, {
        ...(first ? { field: first.path } : {}),
      });
    }
    return c.json({ actions: o.actions.list(parsed.data) } satisfies ActionLog);
  });

  const agents = agentAuth(o.credentials);

  app.get("/api/v1/agent/actions/next", agents, async (c) => {
    const id = c.req.query("agentId");
    const checked = agentIdSchema.safeParse(id);
    if (!checked.success)
      throw new ApiError(400, "AGENT_ID_INVALID", "the query must name the polling agent: ?agentId=<id>", { field: "agentId" });
    assertMaySendAs(c, checked.data);
    const acks = c.req.queries("ack") ?? [];
    if (acks.length > MAX_ACKS_PER_POLL || acks.some((a) => !REQUEST_ID.test(a))) {
      throw new ApiError(400, "ACTION_ACK_INVALID", `ack: expected up to ${MAX_ACKS_PER_POLL} request ids (UUIDs)`, { field: "ack" });
    }
    const confirms = c.req.query("delivery") === "ack";
    const taken = await o.actions.poll(checked.data, c.req.raw.signal, { confirms, acks });
    if (taken === undefined && o.actions.stopping) {
      // The agent polls again at once after an empty answer: while the hub stops, that loop would keep its
      // keep-alive connection busy and server.close() waiting. A 503 makes it back off, and the connection closes.
      const body = new ApiError(503, "HUB_STOPPING", "the hub is stopping; poll again after Retry-After").toBody();
      return c.json(body, 503, { "Retry-After": "5", Connection: "close" });
    }
    if (taken === undefined) return c.body(null, 204);
    c.header(DELIVERY_ATTEMPT_HEADER, String(taken.attempt));
    return c.json(taken.envelope as object);
  });

  app.post("/api/v1/agent/actions/:requestId/result", agents, async (c) => {
    const parsed = parseEnvelope(
      "action_result",
      await readCappedJson(c.req.raw, MAX_RESULT_BYTES, { tooLarge: "REQUEST_TOO_LARGE", badJson: "ACTION_RESULT_SCHEMA" }),
    );
    if (!parsed.ok) {
      const first = parsed.issues[0];
      throw new ApiError(400, "ACTION_RESULT_SCHEMA", `invalid action result: ${first ? `${first.path}: ${first.message}` : "invalid"}`, {
        ...(first ? { field: first.path } : {}),
        issues: parsed.issues.slice(0, 20),
      });
    }
    const result = parsed.value.payload;
    if (result.requestId !== c.req.param("requestId")) {
      throw new ApiError(400, "ACTION_RESULT_SCHEMA", "payload.requestId differs from the request id in the path", {
        field: "payload.requestId",
      });
    }
    assertMaySendAs(c, result.agentId);
    return c.json(o.actions.recordResult(result.agentId, result) satisfies ActionRecord);
  });
}
