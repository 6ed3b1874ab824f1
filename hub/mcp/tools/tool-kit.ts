import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { ActionRecord } from "../../../shared/actions/api.ts";
import { ApiError } from "../../../shared/http/api-error.ts";
import type { RunActionBody } from "../../actions/hub-actions.ts";
import type { Operator } from "../../actions/operator-auth.ts";
import type { CatalogStore } from "../catalog-store.ts";
import type { McpClient } from "../client-auth.ts";
import type { HubApi } from "../hub-api.ts";
import type { PendingService } from "../pending-service.ts";
import type { McpSettings } from "../config.ts";
import { ToolError } from "./tool-error.ts";

/** What a call adds to its audit row beyond what the answer shows. */
export interface AuditNote {
  outcome?: "ok" | "error" | "refused" | "pending";
  code?: string;
  message?: string;
  requestId?: string;
  pendingId?: string;
}

/** HubActions, the parts the tools use. */
export interface ActionsPort {
  run(op: Operator, body: RunActionBody, signal?: AbortSignal): Promise<ActionRecord>;
  list(o: { agentId?: string | undefined; requestId?: string | undefined; limit: number }): ActionRecord[];
}

/** Everything a tool may use, for one request of one client. */
export interface ToolContext {
  api: HubApi;
  actions: ActionsPort;
  catalogs: CatalogStore;
  pending: PendingService;
  settings: McpSettings;
  client: McpClient;
  now: () => number;
  /** Adds to the audit row of the JSON-RPC request `requestId`. */
  note(requestId: string | number, note: AuditNote): void;
}

/** A tool's answer: typed content (checked against the output schema) and a few lines for a reader. */
export interface ToolAnswer<T> {
  structured: T;
  summary: string;
  audit?: AuditNote;
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(args: z.output<I>, ctx: ToolContext, signal: AbortSignal): Promise<ToolAnswer<z.output<O>>>;
}

/** A spec with its types erased: the list of tools holds specs of different shapes. */
export type AnyToolSpec = ToolSpec<any, any>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): ToolSpec<I, O> {
  return spec;
}

/**
 * Registers a tool whose failures are answers, not exceptions: a ToolError (or an API error) becomes
 * an `isError` result whose text leads with the code (`refused DANGER_NOT_ALLOWED: ...`), so the
 * assistant reads what to change, and the audit row gets the code.
 */
export function registerTool(server: McpServer, spec: AnyToolSpec, ctx: ToolContext): void {
  server.registerTool(
    spec.name,
    { title: spec.title, description: spec.description, inputSchema: spec.input, outputSchema: spec.output, annotations: spec.annotations },
    async (args: unknown, extra: { signal: AbortSignal; requestId: string | number }): Promise<CallToolResult> => {
      try {
        const answer = await spec.run(args, ctx, extra.signal);
        if (answer.audit) ctx.note(extra.requestId, answer.audit);
        return { content: [{ type: "text", text: answer.summary }], structuredContent: answer.structured as Record<string, unknown> };
      } catch (err) {
        const e = toToolError(err);
        ctx.note(extra.requestId, {
          outcome: e.refusal ? "refused" : "error",
          code: e.code,
          message: e.message,
          ...(e.requestId === undefined ? {} : { requestId: e.requestId }),
        });
        return failure(e);
      }
    },
  );
}

/**
 * Text only: clients check any structuredContent against the tool's output schema, errors included
 * (the SDK's Client does), so an error shape there would fail every conforming client.
 */
export function failure(e: ToolError): CallToolResult {
  return {
    content: [
      { type: "text", text: `${e.refusal ? "refused" : "error"} ${e.code}: ${e.message}${e.field ? ` (argument: ${e.field})` : ""}` },
    ],
    isError: true,
  };
}

function toToolError(err: unknown): ToolError {
  if (err instanceof ToolError) return err;
  if (err instanceof ApiError) return new ToolError(err.code, err.message, { field: err.details.field });
  return new ToolError("INTERNAL", `the hub failed to answer: ${err instanceof Error ? err.message : String(err)}`);
}
