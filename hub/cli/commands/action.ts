import { actionLog, actionPublicKey, actionRecord, type ActionRecord } from "../../../shared/actions/api.ts";
import { parseDuration } from "../../../shared/config/schema-helpers.ts";
import type { Command, CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";
import { formatActionLog, formatActionRecord } from "./action-format.ts";

const SUBCOMMANDS = ["run", "log", "key"] as const;
const HELP = "vigil help action";

/** `vigil action run|log|key`: whitelisted actions on agents, their audit, and the hub's public key. */
export const actionCommand: Command = {
  name: "action",
  args: [
    { name: "run|log|key", required: true },
    { name: "host", required: false },
    { name: "action", required: false },
  ],
  rest: { name: "key=value" },
  summary: "run <host> <action> [key=value...]; log [host]; key",
  description: [
    "  run <host> <action> [key=value...]",
    "                        ask the agent on <host> to run <action> from its catalog, with parameters",
    "                        given as key=value (or -p key=value). The hub signs the request; the agent",
    "                        checks it against its whitelist and runs it without a shell. Prints the argv",
    "                        that ran, the exit code and the output. Exit 1 unless it succeeded (or was a dry run).",
    "  log [host]            the hub's audit of action requests, newest first.",
    "  key                   the hub's public key, for the agents' actions.hubPublicKey.",
    "",
    "Caution actions need --reason; danger actions need --reason, --confirm and an admin token.",
    "The hub waits --wait (default 8s) for the result: keep it below --timeout (default 10s).",
  ].join("\n"),
  options: {
    param: { type: "string", short: "p", multiple: true },
    reason: { type: "string" },
    confirm: { type: "boolean" },
    "dry-run": { type: "boolean" },
    wait: { type: "string" },
    limit: { type: "string" },
    request: { type: "string" },
  },
  optionHelp: [
    ["-p, --param <key=value>", "a parameter of the action (run; repeat for more)"],
    ["--reason <text>", "why, recorded in both audits (run; required for caution and danger)"],
    ["--confirm", "confirm a danger action (run)"],
    ["--dry-run", "check everything and show the argv that would run, without running it (run)"],
    ["--wait <duration>", "how long the hub waits for the result, e.g. 30s (run; default 8s)"],
    ["--limit <n>", "rows to show (log; default 50)"],
    ["--request <id>", "only this request (log)"],
  ],
  async run(ctx) {
    const sub = ctx.args["run|log|key"] as string;
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(`unknown action subcommand ${JSON.stringify(sub)} (expected run, log or key)`, HELP);
    }
    if (sub === "run") return run(ctx);
    if (ctx.rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(ctx.rest[0])} for "action ${sub}"`, HELP);
    if (ctx.args.action !== undefined)
      throw new UsageError(`unexpected argument ${JSON.stringify(ctx.args.action)} for "action ${sub}"`, HELP);
    if (sub === "key") {
      if (ctx.args.host !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(ctx.args.host)} for "action key"`, HELP);
      const { data, raw } = await ctx.hub().get("api/v1/actions/public-key", actionPublicKey);
      ctx.io.out(ctx.json ? formatJson(raw) : data.publicKey);
      return EXIT.ok;
    }
    return log(ctx);
  },
};

async function run(ctx: CommandContext): Promise<number> {
  const { host, action } = ctx.args;
  if (host === undefined || action === undefined) throw new UsageError('"action run" needs <host> and <action>', HELP);
  const body: Record<string, unknown> = { agentId: host, action, params: parseParams([...asList(ctx.options.param), ...ctx.rest]) };
  if (typeof ctx.options.reason === "string") body.reason = ctx.options.reason;
  if (ctx.options.confirm === true) body.confirm = true;
  if (ctx.options["dry-run"] === true) body.dryRun = true;
  if (typeof ctx.options.wait === "string") {
    const ms = parseDuration(ctx.options.wait);
    if (ms === null || ms > 600_000) throw new UsageError("--wait: expected a duration up to 10m, such as 30s", HELP);
    body.waitMs = ms;
  }
  const { data, raw } = await ctx.hub().call("POST", "api/v1/actions", actionRecord, body);
  ctx.io.out(ctx.json ? formatJson(raw) : formatActionRecord(data));
  return succeeded(data) ? EXIT.ok : EXIT.hubError;
}

async function log(ctx: CommandContext): Promise<number> {
  const query = new URLSearchParams();
  if (ctx.args.host !== undefined) query.set("agentId", ctx.args.host);
  if (typeof ctx.options.request === "string") query.set("requestId", ctx.options.request);
  if (typeof ctx.options.limit === "string") {
    if (!/^[1-9][0-9]{0,3}$/.test(ctx.options.limit)) throw new UsageError("--limit: expected a number from 1 to 1000", HELP);
    query.set("limit", ctx.options.limit);
  }
  const q = query.toString();
  const { data, raw } = await ctx.hub().get(`api/v1/actions${q ? `?${q}` : ""}`, actionLog);
  ctx.io.out(ctx.json ? formatJson(raw) : formatActionLog(data.actions, ctx.now()));
  return EXIT.ok;
}

/** `-p unit=ollama.service -p n=3` -> {unit: "ollama.service", n: "3"}; the agent checks types and patterns. */
function asList(given: unknown): unknown[] {
  return Array.isArray(given) ? given : given === undefined ? [] : [given];
}

export function parseParams(given: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  for (const item of asList(given)) {
    const text = String(item);
    const eq = text.indexOf("=");
    if (eq <= 0) throw new UsageError(`parameter ${JSON.stringify(text)}: expected key=value`, HELP);
    const key = text.slice(0, eq);
    if (Object.hasOwn(params, key)) throw new UsageError(`-p: parameter ${JSON.stringify(key)} is given twice`, HELP);
    params[key] = text.slice(eq + 1);
  }
  return params;
}

function succeeded(r: ActionRecord): boolean {
  return r.status === "succeeded" || r.status === "dry_run";
}
