import { formatAge, formatTable, printable } from "../../cli/format.ts";
import { formatActionRecord } from "../../cli/commands/action-format.ts";
import type { McpCallRecord, PendingConfirmation, PendingRequest } from "../api-schemas.ts";

function params(p: Record<string, unknown>): string {
  const entries = Object.entries(p);
  return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",");
}

/** `vigil mcp pending`: newest first, with what to type next. */
export function formatPendingList(list: readonly PendingRequest[], nowMs: number): string {
  if (list.length === 0) return "No danger requests from assistants.";
  const table = formatTable(
    ["ID", "ASKED", "CLIENT", "HOST", "ACTION", "PARAMS", "STATUS", "REASON"],
    list.map((p) => [
      p.id,
      formatAge(nowMs - p.createdAt),
      p.client,
      p.agentId,
      `${p.action}${p.dryRun ? " (dry run)" : ""}`,
      params(p.params),
      p.status === "pending"
        ? `pending, expires ${formatAge(nowMs - p.expiresAt)}`
        : `${p.status}${p.decidedBy ? ` by ${p.decidedBy}` : ""}`,
      p.reason,
    ]),
  );
  const waiting = list.filter((p) => p.status === "pending");
  return waiting.length ? `${table}\n\nConfirm with 'vigil mcp confirm <id>', refuse with 'vigil mcp deny <id>'.` : table;
}

/** One request in full, before or after a decision. */
export function formatPending(p: PendingRequest): string {
  const lines = [
    `${p.id}: ${p.action} on ${p.agentId}${p.dryRun ? " (dry run)" : ""}, asked by mcp:${p.client}`,
    `params: ${params(p.params)}`,
    `reason: ${p.reason}`,
    `status: ${p.status}${p.decidedBy ? ` by ${p.decidedBy}` : ""}${p.decisionNote ? ` (${p.decisionNote})` : ""}`,
  ];
  if (p.requestId) lines.push(`action request: ${p.requestId} (vigil action log --request ${p.requestId})`);
  return lines.map(printable).join("\n");
}

export function formatConfirmation(c: PendingConfirmation): string {
  return `${formatPending(c.pending)}\n\n${formatActionRecord(c.action)}`;
}

/** `vigil mcp log`: the MCP audit, newest first. */
export function formatCallLog(calls: readonly McpCallRecord[], nowMs: number): string {
  if (calls.length === 0) return "No MCP calls recorded.";
  return formatTable(
    ["WHEN", "CLIENT", "CALL", "ARGUMENTS", "OUTCOME", "LINK"],
    calls.map((c) => [
      formatAge(nowMs - c.at),
      c.client,
      c.kind === "tool" ? c.name : `read ${c.name}`,
      shorten(JSON.stringify(c.arguments ?? {}), 60),
      `${c.outcome}${c.code ? ` ${c.code}` : ""}`,
      c.pendingId ? `pending ${c.pendingId}` : c.requestId ? `request ${c.requestId}` : "-",
    ]),
  );
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
