import { z } from "zod";
import { alertList } from "../../rules/alerts-api.ts";
import { bounded, LIMITS } from "../compact/bounded.ts";
import { compactAlert, compactTransition, describeAlert, toCompactAlert, toCompactTransition } from "../compact/alerts.ts";
import { hostArg, truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const input = z.object({
  state: z
    .enum(["firing", "pending", "active", "resolved", "all"])
    .default("active")
    .describe("active = pending and firing; resolved = those resolved in the last days"),
  host: hostArg.optional(),
  rule: z.string().max(128).optional().describe("Only this rule, e.g. gpu-temperature"),
  history: z.int().min(0).max(LIMITS.history).default(20).describe("How many of the newest transitions to include"),
});

const output = z.object({
  alerts: z.array(compactAlert),
  history: z.array(compactTransition).describe("Newest first: pending, fired, escalated, resolved, ..."),
  ...truncation,
});

/** Firing (or pending, or resolved) alerts and the newest transitions. */
export const alerts = defineTool({
  name: "alerts",
  title: "Alerts",
  description:
    "Alerts by state (default: pending and firing), optionally for one host or rule, with their severity, value and threshold, and the newest transitions (fired, escalated, resolved).",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const q = new URLSearchParams({ state: args.state, history: String(args.history) });
    if (args.host !== undefined) q.set("host", args.host);
    if (args.rule !== undefined) q.set("rule", args.rule);
    const answer = await ctx.api.get(`/api/v1/alerts?${q}`, alertList);
    const notes: string[] = [];
    const shown = bounded(answer.alerts, LIMITS.alerts, "alerts", notes, "narrow with host, rule or state").map(toCompactAlert);
    const structured = { alerts: shown, history: answer.history.map(toCompactTransition), ...truncationOf(notes) };
    const lines = [`${answer.alerts.length} ${args.state} alert${answer.alerts.length === 1 ? "" : "s"}.`];
    for (const a of shown) lines.push(`- ${a.state} ${describeAlert(a)}${a.summary ? `: ${a.summary}` : ""}`);
    if (structured.history.length) lines.push(`${structured.history.length} recent transitions (newest first).`);
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured, summary: lines.join("\n") };
  },
});
