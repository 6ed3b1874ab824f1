import { type ActionRecord, FINAL_STATUSES } from "../../../shared/actions/api.ts";
import { formatAge, formatDuration, formatTable, printable } from "../format.ts";

/** An argv as a user would type it, for display only (it never goes through a shell). */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w./:=,@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

function formatParams(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",");
}

/** What became of a request, in one line: `succeeded (exit 0, 1.2s)`, `refused by agent: PARAM_INVALID`. */
export function outcome(r: ActionRecord): string {
  switch (r.status) {
    case "refused":
    case "expired":
      return `${r.status} by ${r.refusedBy ?? "hub"}: ${r.refusal?.code ?? "?"}`;
    case "succeeded":
    case "failed":
    case "timed_out": {
      const exit = r.exitCode === null ? "no exit code" : `exit ${r.exitCode}`;
      return `${r.status} (${exit}${r.durationMs === null ? "" : `, ${formatDuration(Math.round(r.durationMs))}`})`;
    }
    default:
      return r.status;
  }
}

/** `vigil action run`: the outcome, the argv, the refusal or the output. */
export function formatActionRecord(r: ActionRecord): string {
  const lines = [`${r.action} on ${r.agentId}: ${outcome(r)}`, `request ${r.requestId} by ${r.initiator} (${r.role})`];
  if (r.argv.length > 0) lines.push(`${r.status === "dry_run" ? "would run" : "argv"}: ${formatArgv(r.argv)}`);
  if (r.refusal) lines.push(`${r.refusal.code}: ${r.refusal.message}`);
  if (r.note) lines.push(`note: ${r.note}`);
  if (!FINAL_STATUSES.has(r.status)) {
    lines.push(`no result yet; see: vigil action log --request ${r.requestId}`);
  }
  for (const [name, text] of [
    ["stdout", r.stdout],
    ["stderr", r.stderr],
  ] as const) {
    if (text !== "") lines.push(`--- ${name} ---`, text.replace(/\n$/, ""));
  }
  if (r.outputTruncated) lines.push("(output truncated at the action's maxOutputBytes)");
  return lines.map(printable).join("\n");
}

/** `vigil action log`: newest first. */
export function formatActionLog(records: readonly ActionRecord[], nowMs: number): string {
  if (records.length === 0) return "No action requests recorded.";
  return formatTable(
    ["WHEN", "HOST", "ACTION", "PARAMS", "BY", "OUTCOME", "REQUEST"],
    records.map((r) => [formatAge(nowMs - r.issuedAt), r.agentId, r.action, formatParams(r.params), r.initiator, outcome(r), r.requestId]),
  );
}
