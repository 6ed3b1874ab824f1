import { z } from "zod";
import { parseDuration } from "../../../shared/config/schema-helpers.ts";
import { type McpCallLog, mcpCallLog, pendingConfirmation, pendingList, pendingRequest, pendingStatus } from "../../mcp/api-schemas.ts";
import { formatCallLog, formatConfirmation, formatPending, formatPendingList } from "../../mcp/cli/format.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";

const HELP = "vigil help mcp";
const SUBCOMMANDS = ["serve", "pending", "confirm", "deny", "log"] as const;

/** `vigil mcp`: MCP over stdio for desktop assistants, and the people's side of what assistants ask. */
export const mcpCommand: Command = {
  name: "mcp",
  args: [
    { name: "serve|pending|confirm|deny|log", required: false },
    { name: "id", required: false },
  ],
  summary: "MCP server over stdio for AI assistants; pending, confirm <id>, deny <id>, log",
  description: [
    "  (no subcommand), serve  speak the Model Context Protocol on stdin/stdout, relayed to the hub's /mcp",
    "                          with --hub/VIGIL_HUB_URL and --token/VIGIL_TOKEN (an mcp.clients token).",
    "                          This is what a desktop assistant starts; see docs/mcp.md.",
    "  pending                 danger actions assistants asked for, waiting for a person (--all: every status).",
    "  confirm <id>            run one: the hub signs it with your admin role and confirm (admin token).",
    "  deny <id>               refuse one (--note says why).",
    "  log                     the audit of every MCP tool call and resource read, newest first.",
    "",
    "For serve, raise --timeout above the longest run_action wait you expect (default 10s; run_action waits 5s).",
  ].join("\n"),
  options: {
    all: { type: "boolean" },
    status: { type: "string" },
    wait: { type: "string" },
    note: { type: "string" },
    client: { type: "string" },
    limit: { type: "string" },
  },
  optionHelp: [
    ["--all", "every request, not only pending ones (pending)"],
    ["--status <s>", "pending, confirmed, denied or expired (pending)"],
    ["--wait <duration>", "how long the hub waits for the action's result, e.g. 30s (confirm; default 8s)"],
    ["--note <text>", "why it was refused, shown to the assistant (deny)"],
    ["--client <name>", "only this MCP client's calls (log)"],
    ["--limit <n>", "rows to show (pending, log; default 50)"],
  ],
  async run(ctx) {
    const sub = ctx.args["serve|pending|confirm|deny|log"] ?? "serve";
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(`unknown mcp subcommand ${JSON.stringify(sub)} (expected ${SUBCOMMANDS.join(", ")})`, HELP);
    }
    const id = ctx.args.id;
    const needsId = sub === "confirm" || sub === "deny";
    if (needsId && id === undefined) throw new UsageError(`"mcp ${sub}" needs the request's <id> (see 'vigil mcp pending')`, HELP);
    if (!needsId && id !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(id)} for "mcp ${sub}"`, HELP);
    switch (sub) {
      case "pending":
        return pending(ctx);
      case "confirm":
        return confirm(ctx, id as string);
      case "deny":
        return deny(ctx, id as string);
      case "log":
        return log(ctx);
      default:
        return serve(ctx);
    }
  },
};

async function serve(ctx: CommandContext): Promise<number> {
  const hub = ctx.hub();
  // Loaded here only: the SDK is no cost to the CLI's other commands.
  const { runStdioRelay } = await import("../../mcp/cli/stdio-relay.ts");
  ctx.io.err(`vigil mcp: relaying MCP on stdio to ${hub.displayUrl}/mcp`);
  await runStdioRelay({
    stdin: process.stdin,
    stdout: process.stdout,
    post: async (message) => {
      try {
        return (await hub.call("POST", "mcp", z.unknown(), message)).raw;
      } catch (err) {
        // The assistant shows this text: the hub's code and message, and the hint for a token.
        throw new Error(err instanceof CliError ? err.render().replace(/^vigil: /, "") : String(err));
      }
    },
    log: (line) => ctx.io.err(line),
  });
  return EXIT.ok;
}

async function pending(ctx: CommandContext): Promise<number> {
  const query = new URLSearchParams();
  if (typeof ctx.options.status === "string") {
    const status = pendingStatus.safeParse(ctx.options.status);
    if (!status.success) throw new UsageError(`--status: expected one of ${pendingStatus.options.join(", ")}`, HELP);
    query.set("status", status.data);
  } else if (ctx.options.all !== true) query.set("status", "pending");
  setLimit(ctx, query);
  const { data, raw } = await ctx.hub().get(`api/v1/mcp/pending?${query}`, pendingList);
  ctx.io.out(ctx.json ? formatJson(raw) : formatPendingList(data.pending, ctx.now()));
  return EXIT.ok;
}

async function confirm(ctx: CommandContext, id: string): Promise<number> {
  const body: Record<string, unknown> = {};
  if (typeof ctx.options.wait === "string") {
    const ms = parseDuration(ctx.options.wait);
    if (ms === null || ms > 600_000) throw new UsageError("--wait: expected a duration up to 10m, such as 30s", HELP);
    body.waitMs = ms;
  }
  const { data, raw } = await ctx.hub().call("POST", `api/v1/mcp/pending/${encodeURIComponent(id)}/confirm`, pendingConfirmation, body);
  ctx.io.out(ctx.json ? formatJson(raw) : formatConfirmation(data));
  return data.action.status === "succeeded" || data.action.status === "dry_run" ? EXIT.ok : EXIT.hubError;
}

async function deny(ctx: CommandContext, id: string): Promise<number> {
  const body = typeof ctx.options.note === "string" ? { note: ctx.options.note } : {};
  const { data, raw } = await ctx.hub().call("POST", `api/v1/mcp/pending/${encodeURIComponent(id)}/deny`, pendingRequest, body);
  ctx.io.out(ctx.json ? formatJson(raw) : formatPending(data));
  return EXIT.ok;
}

async function log(ctx: CommandContext): Promise<number> {
  const query = new URLSearchParams();
  if (typeof ctx.options.client === "string") query.set("client", ctx.options.client);
  setLimit(ctx, query);
  const q = query.toString();
  const { data, raw } = await ctx.hub().get(`api/v1/mcp/calls${q ? `?${q}` : ""}`, mcpCallLog);
  ctx.io.out(ctx.json ? formatJson(raw) : formatCallLog((data satisfies McpCallLog).calls, ctx.now()));
  return EXIT.ok;
}

function setLimit(ctx: CommandContext, query: URLSearchParams): void {
  if (typeof ctx.options.limit !== "string") return;
  if (!/^[1-9][0-9]{0,3}$/.test(ctx.options.limit) || Number(ctx.options.limit) > 1000) {
    throw new UsageError("--limit: expected a number from 1 to 1000", HELP);
  }
  query.set("limit", ctx.options.limit);
}
