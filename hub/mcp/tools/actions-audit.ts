import { z } from "zod";
import type { ActionRecord } from "../../../shared/actions/api.ts";
import { boundedText, LIMITS } from "../compact/bounded.ts";
import { hostArg, truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const input = z.object({
  host: hostArg.optional(),
  requestId: z.string().max(64).optional().describe("One request, e.g. the requestId run_action returned"),
  limit: z.int().min(1).max(LIMITS.actionsAudit).default(20),
});

export const auditedAction = z.object({
  requestId: z.string(),
  host: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  initiator: z.string(),
  reason: z.string().nullable(),
  status: z.string(),
  refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
  exitCode: z.int().nullable(),
  argv: z.array(z.string()),
  stdout: z.string(),
  stderr: z.string(),
  issuedAt: z.int(),
  finishedAt: z.int().nullable(),
  dryRun: z.boolean(),
});
export type AuditedAction = z.infer<typeof auditedAction>;

const output = z.object({ actions: z.array(auditedAction), ...truncation });

/** An action record as the assistant reads it; outputs cut to LIMITS.outputChars. Pure. */
export function toAuditedAction(r: ActionRecord, notes: string[]): AuditedAction {
  return {
    requestId: r.requestId,
    host: r.agentId,
    action: r.action,
    params: r.params,
    initiator: r.initiator,
    reason: r.reason,
    status: r.status,
    refusal: r.refusal,
    exitCode: r.exitCode,
    argv: r.argv,
    stdout: boundedText(r.stdout, LIMITS.outputChars, `${r.requestId} stdout`, notes),
    stderr: boundedText(r.stderr, LIMITS.outputChars, `${r.requestId} stderr`, notes),
    issuedAt: r.issuedAt,
    finishedAt: r.finishedAt,
    dryRun: r.dryRun,
  };
}

export function describeAction(a: AuditedAction): string {
  const outcome = a.refusal
    ? `${a.status} ${a.refusal.code}: ${a.refusal.message}`
    : `${a.status}${a.exitCode === null ? "" : ` (exit ${a.exitCode})`}`;
  return `${a.action} on ${a.host} by ${a.initiator}: ${outcome}`;
}

/** The hub's audit of action requests: who asked what, and what the agent answered. */
export const actionsAudit = defineTool({
  name: "actions_audit",
  title: "Actions audit",
  description:
    "The hub's audit of action requests, newest first: who asked (people, rules, assistants), the reason, whether the agent ran or refused it, the exit code and the output.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const notes: string[] = [];
    const records = ctx.actions.list({ agentId: args.host, requestId: args.requestId, limit: args.limit });
    const actions = records.map((r) => toAuditedAction(r, notes));
    const lines = [`${actions.length} action request${actions.length === 1 ? "" : "s"} (newest first).`];
    for (const a of actions) lines.push(`- ${new Date(a.issuedAt).toISOString()} ${describeAction(a)}`);
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured: { actions, ...truncationOf(notes) }, summary: lines.join("\n") };
  },
});
