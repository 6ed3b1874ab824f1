import type { CatalogEntry } from "../../shared/actions/catalog-summary.ts";

/** What an assistant asked for with the run_action tool. */
export interface McpActionAsk {
  host: string;
  action: string;
  reason?: string | undefined;
}

/** mcp.dangerActions: `host` absent means every host. */
export type DangerAllowList = ReadonlyArray<{ host?: string | undefined; action: string }>;

export type McpActionDecision =
  | { kind: "run"; entry: CatalogEntry }
  | { kind: "confirm"; entry: CatalogEntry }
  | { kind: "refuse"; code: string; message: string; field?: string };

/**
 * Whether an assistant's request may go ahead, and how (pure). MCP only narrows what the agent would
 * accept: the catalog the agent reported must list the action; safe runs, caution needs a reason,
 * danger needs a reason, a line in mcp.dangerActions, and then a person's confirmation. The agent
 * still checks everything itself (signature, parameters, role), so a stale catalog can only refuse.
 */
export function decideMcpAction(
  ask: McpActionAsk,
  catalog: readonly CatalogEntry[] | undefined,
  danger: DangerAllowList,
): McpActionDecision {
  if (catalog === undefined) {
    return {
      kind: "refuse",
      code: "CATALOG_UNKNOWN",
      message: `${ask.host} has not reported an action catalog to the hub (no actions configured, or an agent older than this hub), so nothing can be run on it through MCP`,
      field: "host",
    };
  }
  const entry = catalog.find((a) => a.name === ask.action);
  if (!entry) {
    const names = catalog.map((a) => a.name);
    return {
      kind: "refuse",
      code: "ACTION_NOT_WHITELISTED",
      message: `"${ask.action}" is not in ${ask.host}'s action catalog (${names.length ? `it has ${names.join(", ")}` : "it has none"})`,
      field: "action",
    };
  }
  const reason = ask.reason?.trim() ?? "";
  if (entry.risk !== "safe" && reason === "") {
    return {
      kind: "refuse",
      code: "REASON_REQUIRED",
      message: `${entry.name} is a ${entry.risk} action: give a reason (it is recorded in the hub's and the host's audit)`,
      field: "reason",
    };
  }
  if (entry.risk === "danger") {
    const allowed = danger.some((d) => d.action === entry.name && (d.host === undefined || d.host === ask.host));
    if (!allowed) {
      return {
        kind: "refuse",
        code: "DANGER_NOT_ALLOWED",
        message: `${entry.name} on ${ask.host} is a danger action, and the hub's config does not let assistants ask for it (mcp.dangerActions); a person can run it with 'vigil action run'`,
        field: "action",
      };
    }
    return { kind: "confirm", entry };
  }
  return { kind: "run", entry };
}
