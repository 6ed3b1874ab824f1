import { type RemediationEntry, type RemediationOverview, remediationOverview } from "../../remediation/api.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatAge, formatDuration, formatJson, formatTable } from "../format.ts";

const HELP = "vigil help remediation";

/** `vigil remediation`: which rules have automatic remediation, and what it did recently. */
export const remediationCommand: Command = {
  name: "remediation",
  args: [],
  summary: "list the rules with automatic remediation and the newest automatic runs",
  description: [
    "Lists the rules that name a remediation (the whitelisted action they ask for when their alert",
    "fires, its risk class and limits), then the newest automatic runs, newest first: each run with",
    "its outcome and the action request (vigil action log --request <id> shows its output), each",
    "firing a silence or maintenance window paused, and each time remediation gave up and escalated.",
    "",
    "Reading it needs an operator or admin token (--token or VIGIL_TOKEN), as the action log does,",
    "or a shell on the hub's own machine when it has none.",
    "",
    "Examples:",
    "  vigil remediation",
    "  vigil remediation --rule unit-failed --limit 100",
  ].join("\n"),
  options: {
    limit: { type: "string" },
    rule: { type: "string" },
    host: { type: "string" },
  },
  optionHelp: [
    ["--limit <n>", "how many entries to show (default 20, at most 1000)"],
    ["--rule <name>", "only this rule's entries"],
    ["--host <id>", "only entries about this host (the alert's, or the one asked to act)"],
  ],
  async run(ctx) {
    const limit = typeof ctx.options.limit === "string" ? ctx.options.limit : "20";
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
      throw new UsageError(`--limit ${JSON.stringify(limit)}: expected a number from 1 to 1000`, HELP);
    }
    const query = new URLSearchParams({ limit });
    if (typeof ctx.options.rule === "string") query.set("rule", ctx.options.rule);
    if (typeof ctx.options.host === "string") query.set("host", ctx.options.host);
    const { data, raw } = await ctx.hub().get(`api/v1/remediation?${query}`, remediationOverview);
    ctx.io.out(ctx.json ? formatJson(raw) : formatRemediation(data, ctx.now()));
    return EXIT.ok;
  },
};

/** The two tables: rules with remediation, then the newest entries. */
export function formatRemediation(o: RemediationOverview, nowMs: number): string {
  const head = o.enabled ? "Automatic remediation is on." : "Automatic remediation is switched off (remediation.enabled: false).";
  const rules =
    o.rules.length === 0
      ? "No rule names a remediation."
      : formatTable(
          ["RULE", "ACTION", "HOST", "PARAMS", "RISK", "LIMIT", "BACK-OFF", "VERIFY AFTER"],
          o.rules.map((r) => [
            r.builtin ? `${r.rule} (built-in)` : r.rule,
            r.action,
            r.host,
            params(r.params),
            r.risk ?? "?",
            `${r.maxRuns} per ${formatDuration(r.windowMs)}`,
            formatDuration(r.backoffMs),
            formatDuration(r.verifyAfterMs),
          ]),
        );
  const entries =
    o.entries.length === 0
      ? "Nothing done automatically yet."
      : formatTable(
          ["WHEN", "RULE", "HOST", "WHAT", "OUTCOME", "REQUEST"],
          o.entries.map((e) => [formatAge(nowMs - e.at), e.rule, e.hostId ?? "-", what(e), outcome(e), e.requestId ?? "-"]),
        );
  return [head, "", rules, "", entries].join("\n");
}

function params(p: Record<string, unknown>): string {
  const entries = Object.entries(p);
  return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(",");
}

function what(e: RemediationEntry): string {
  if (e.agentId === null) return e.action || "-";
  return [e.action, ...(Object.keys(e.params).length > 0 ? [params(e.params)] : []), "on", e.agentId].join(" ");
}

function outcome(e: RemediationEntry): string {
  switch (e.kind) {
    case "paused":
      return `paused by ${e.detail}`;
    case "gave_up":
      return `gave up, escalated${e.resolvedAt === null ? "" : " (resolved)"}: ${e.detail}`;
    default:
      return e.status === "running" ? `running (${e.detail})` : e.detail || (e.status ?? "-");
  }
}
