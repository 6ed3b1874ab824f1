import { z } from "zod";
import type { CatalogEntry, CatalogParam } from "../../../shared/actions/catalog-summary.ts";
import { hostActions } from "../../../shared/actions/catalog-summary.ts";
import { decideMcpAction, type DangerAllowList } from "../action-policy.ts";
import { bounded, LIMITS } from "../compact/bounded.ts";
import { hostArg, runbookUri, truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const input = z.object({ host: hostArg });

export const viaMcp = z
  .enum(["runs", "needs_reason", "needs_confirmation", "not_allowed"])
  .describe(
    "What run_action does with it: runs; needs_reason (caution: give a reason); needs_confirmation (danger: a person must confirm each request); not_allowed (danger, not enabled for assistants)",
  );

const output = z.object({
  host: z.string(),
  reportedAt: z.int().nullable().describe("When the agent last reported its catalog; null if it never did (then nothing can run)"),
  runbook: z.string().nullable(),
  actions: z.array(
    z.object({
      name: z.string(),
      description: z.string().optional(),
      risk: z.enum(["safe", "caution", "danger"]),
      viaMcp,
      paramsSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the params object run_action takes"),
      target: z.string(),
      timeoutSeconds: z.number(),
    }),
  ),
  ...truncation,
});

/** JSON Schema of an action's params: what the agent will accept, so an assistant can fill them in. Pure. */
export function paramsJsonSchema(params: Readonly<Record<string, CatalogParam>>): Record<string, unknown> {
  const properties = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, paramJsonSchema(p)]));
  return { type: "object", properties, required: Object.keys(params), additionalProperties: false };
}

function paramJsonSchema(p: CatalogParam): Record<string, unknown> {
  switch (p.type) {
    case "enum":
      return { type: "string", enum: p.values };
    case "string":
      return {
        type: "string",
        pattern: `^(?:${p.pattern})$`,
        maxLength: p.maxLength,
        ...(p.allowLeadingDash ? {} : { not: { pattern: "^-" } }),
      };
    case "integer":
      return { type: "integer", minimum: p.min, maximum: p.max };
  }
}

/** How run_action treats an action on this host, from the same policy it applies. */
export function viaMcpOf(host: string, entry: CatalogEntry, danger: DangerAllowList): z.infer<typeof viaMcp> {
  if (entry.risk === "safe") return "runs";
  if (entry.risk === "caution") return "needs_reason";
  const decision = decideMcpAction({ host, action: entry.name, reason: "(listing)" }, [entry], danger);
  return decision.kind === "confirm" ? "needs_confirmation" : "not_allowed";
}

/** The actions a host's agent allows, with risk class, parameter schema and what MCP does with each. */
export const listActions = defineTool({
  name: "list_actions",
  title: "Actions a host allows",
  description:
    "The whitelisted actions of one host, as its agent reported them: risk class (safe, caution, danger), a JSON Schema of the parameters, and whether run_action runs it, needs a reason, needs a person's confirmation, or is not allowed for assistants. Read the host's runbook first.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const answer = await ctx.api.get(`/api/v1/hosts/${encodeURIComponent(args.host)}/actions`, hostActions);
    const notes: string[] = [];
    const actions = bounded(answer.actions, LIMITS.catalogActions, "actions", notes).map((a) => ({
      name: a.name,
      ...(a.description === undefined ? {} : { description: a.description }),
      risk: a.risk,
      viaMcp: viaMcpOf(args.host, a, ctx.settings.dangerActions),
      paramsSchema: paramsJsonSchema(a.params),
      target: a.target,
      timeoutSeconds: a.timeoutMs / 1000,
    }));
    const runbook = runbookUri(args.host, ctx.settings.runbooks);
    const structured = { host: args.host, reportedAt: answer.reportedAt, runbook, actions, ...truncationOf(notes) };
    const lines =
      answer.reportedAt === null
        ? [`${args.host} has not reported an action catalog: nothing can be run on it.`]
        : [`${args.host} allows ${answer.actions.length} action${answer.actions.length === 1 ? "" : "s"}:`];
    for (const a of actions) {
      const params = Object.keys((a.paramsSchema.properties ?? {}) as object);
      lines.push(
        `- ${a.name} (${a.risk}, ${a.viaMcp.replaceAll("_", " ")})${params.length ? ` params: ${params.join(", ")}` : ""}${a.description ? `: ${a.description}` : ""}`,
      );
    }
    if (runbook && actions.length > 0) lines.push(`Read ${runbook} before running anything on ${args.host}.`);
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured, summary: lines.join("\n") };
  },
});
