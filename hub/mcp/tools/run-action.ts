import { z } from "zod";
import { FINAL_STATUSES, actionParams } from "../../../shared/actions/api.ts";
import { actionName } from "../../../shared/protocol/primitives.ts";
import { decideMcpAction } from "../action-policy.ts";
import { hostArg, runbookUri, truncation, truncationOf } from "./args.ts";
import { auditedAction, describeAction, toAuditedAction } from "./actions-audit.ts";
import { ToolError } from "./tool-error.ts";
import { defineTool } from "./tool-kit.ts";

/** A run_action waits at most this long for the agent's result; the audit has it later. */
const MAX_WAIT_S = 30;

const input = z.object({
  host: hostArg,
  action: actionName.describe("An action name from list_actions"),
  params: actionParams.default({}).describe("The action's parameters, as its paramsSchema in list_actions describes them"),
  reason: z.string().min(1).max(1000).optional().describe("Why: required for caution and danger actions; recorded in both audits"),
  dryRun: z.boolean().default(false).describe("Check everything and return the command line that would run, without running it"),
  waitSeconds: z
    .int()
    .min(0)
    .max(MAX_WAIT_S)
    .default(5)
    .describe("How long to wait for the result; a longer action keeps running and actions_audit shows its result"),
});

const output = z.object({
  outcome: z
    .enum(["finished", "running", "pending_confirmation"])
    .describe("finished: see action.status; running: not finished within waitSeconds; pending_confirmation: a person must confirm it"),
  action: auditedAction.optional(),
  pending: z
    .object({ id: z.string(), expiresAt: z.int(), confirmWith: z.string() })
    .optional()
    .describe("For a danger action: the request a person confirms; poll it with pending_request"),
  runbook: z.string().nullable(),
  ...truncation,
});

/**
 * Runs one whitelisted action through the hub's signed-request path, under the MCP policy
 * (action-policy.ts): safe runs, caution needs a reason, danger becomes a pending request a person
 * must confirm, or is refused. Requests are signed as `user:mcp:<client>` with the operator role, so
 * the agent itself refuses a danger action that did not come through a confirmation.
 */
export const runAction = defineTool({
  name: "run_action",
  title: "Run a whitelisted action",
  description:
    "Asks a host's agent to run one action from its catalog (see list_actions). Safe actions run; caution actions need a reason; danger actions are refused unless the hub allows assistants to ask for them, and then wait for a person to confirm (the answer has the pending id). Returns the outcome, exit code and output.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(args, ctx, signal) {
    const catalog = ctx.catalogs.get(args.host)?.actions;
    const decision = decideMcpAction(args, catalog, ctx.settings.dangerActions);
    const runbook = runbookUri(args.host, ctx.settings.runbooks);
    if (decision.kind === "refuse") throw new ToolError(decision.code, decision.message, { field: decision.field, refusal: true });
    if (decision.kind === "confirm") {
      const pending = ctx.pending.create({
        client: ctx.client.name,
        agentId: args.host,
        action: args.action,
        params: args.params,
        reason: args.reason ?? "",
        dryRun: args.dryRun,
      });
      const confirmWith = `vigil mcp confirm ${pending.id}`;
      return {
        structured: {
          outcome: "pending_confirmation" as const,
          pending: { id: pending.id, expiresAt: pending.expiresAt, confirmWith },
          runbook,
          ...truncationOf([]),
        },
        summary: `${args.action} on ${args.host} is a danger action: request ${pending.id} waits for a person to confirm it (${confirmWith}) until ${new Date(pending.expiresAt).toISOString()}. Nothing has run. Check it with pending_request.`,
        audit: { outcome: "pending", pendingId: pending.id },
      };
    }
    const record = await ctx.actions.run(
      { name: `mcp:${ctx.client.name}`, role: "operator" },
      {
        agentId: args.host,
        action: args.action,
        params: args.params,
        ...(args.reason === undefined ? {} : { reason: args.reason }),
        confirm: false,
        dryRun: args.dryRun,
        waitMs: args.waitSeconds * 1000,
      },
      signal,
    );
    const notes: string[] = [];
    const action = toAuditedAction(record, notes);
    if (record.status === "refused" && record.refusal) {
      const by = record.refusedBy ?? "agent";
      throw new ToolError(record.refusal.code, `${record.refusal.message} (refused by the ${by}; request ${record.requestId})`, {
        refusal: true,
        requestId: record.requestId,
      });
    }
    const running = !FINAL_STATUSES.has(record.status);
    const structured = { outcome: running ? ("running" as const) : ("finished" as const), action, runbook, ...truncationOf(notes) };
    const summary = running
      ? `${args.action} on ${args.host} was not finished within ${args.waitSeconds} s (${record.status}); actions_audit with requestId ${record.requestId} shows its result later.${record.note ? ` ${record.note}` : ""}`
      : [
          describeAction(action),
          action.argv.length ? `argv: ${JSON.stringify(action.argv)}` : "",
          action.stdout ? `stdout:\n${action.stdout}` : "",
          action.stderr ? `stderr:\n${action.stderr}` : "",
        ]
          .filter((l) => l !== "")
          .join("\n");
    return {
      structured,
      summary,
      audit: {
        requestId: record.requestId,
        outcome: running || record.status === "succeeded" || record.status === "dry_run" ? "ok" : "error",
        code: record.status,
      },
    };
  },
});
