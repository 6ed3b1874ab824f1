import { z } from "zod";
import { pendingStatus } from "../api-schemas.ts";
import { auditedAction, describeAction, toAuditedAction } from "./actions-audit.ts";
import { truncation, truncationOf } from "./args.ts";
import { ToolError } from "./tool-error.ts";
import { defineTool } from "./tool-kit.ts";

const input = z.object({
  id: z
    .string()
    .regex(/^[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$/, { error: "expected a pending id such as 7KQ2-M9XD, as run_action returned it" })
    .describe("The pending id run_action returned for a danger action"),
});

const output = z.object({
  id: z.string(),
  host: z.string(),
  action: z.string(),
  status: pendingStatus.describe("pending (waiting for a person), confirmed (then see action), denied, or expired"),
  expiresAt: z.int(),
  decidedBy: z.string().nullable(),
  decisionNote: z.string().nullable(),
  action_result: auditedAction.optional().describe("The action the confirmation started, once confirmed"),
  ...truncation,
});

/** Where a danger request stands: still waiting, denied, expired, or confirmed and (maybe) finished. */
export const pendingRequestTool = defineTool({
  name: "pending_request",
  title: "A danger request waiting for confirmation",
  description:
    "The state of a danger action this client asked for with run_action: pending (a person has not decided), denied, expired, or confirmed, with the action's result once it ran.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const notFound = new ToolError("PENDING_NOT_FOUND", `no request of this client has the id "${args.id}"`, { field: "id" });
    let pending: ReturnType<typeof ctx.pending.get>;
    try {
      pending = ctx.pending.get(args.id);
    } catch {
      throw notFound;
    }
    // Each assistant sees its own requests only: ids are not secrets, and others' reasons may be.
    if (pending.client !== ctx.client.name) throw notFound;
    const notes: string[] = [];
    const record = pending.requestId === null ? undefined : ctx.actions.list({ requestId: pending.requestId, limit: 1 })[0];
    const result = record ? toAuditedAction(record, notes) : undefined;
    const structured = {
      id: pending.id,
      host: pending.agentId,
      action: pending.action,
      status: pending.status,
      expiresAt: pending.expiresAt,
      decidedBy: pending.decidedBy,
      decisionNote: pending.decisionNote,
      ...(result ? { action_result: result } : {}),
      ...truncationOf(notes),
    };
    const head = `${pending.id}: ${pending.action} on ${pending.agentId} is ${pending.status}${pending.decidedBy ? ` (by ${pending.decidedBy}${pending.decisionNote ? `: ${pending.decisionNote}` : ""})` : ""}.`;
    const summary =
      pending.status === "pending"
        ? `${head} It expires at ${new Date(pending.expiresAt).toISOString()}.`
        : result
          ? `${head}\n${describeAction(result)}`
          : head;
    return { structured, summary };
  },
});
