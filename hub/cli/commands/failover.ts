import { parseDuration } from "../../../shared/config/schema-helpers.ts";
import { type GroupStatus, groupList, groupStatus, type PinRequest } from "../../failover/api.ts";
import type { Command, CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";
import { formatGroupDetail, formatGroupsTable } from "./failover-format.ts";
import { parseWhen } from "./silence-args.ts";

const HELP = "vigil help failover";

/** `vigil failover [group]`: the groups, one group with its members and history, or an override. */
export const failoverCommand: Command = {
  name: "failover",
  args: [{ name: "group", required: false }],
  summary: "show failover groups; <group> for its members and switches; --pin/--unpin to override",
  description: [
    "Lists the failover groups: the active member, its epoch (the fencing token every switch",
    "increments) and whether a healthy member serves. With a group, shows each member's health and",
    "the newest switches.",
    "",
    "--pin <member> makes that member active now and keeps it so until the pin ends (--for or",
    "--until; a pin always ends), whatever the checks say; --unpin ends it at once. Both need the",
    "admin token (--token or VIGIL_TOKEN), or a shell on the hub's own machine when it has none.",
    "",
    "Examples:",
    "  vigil failover",
    "  vigil failover ollama --history 50",
    '  vigil failover ollama --pin ollama-cpu --for 2h --reason "driver upgrade on gpu-box"',
    "  vigil failover ollama --unpin",
  ].join("\n"),
  options: {
    pin: { type: "string" },
    for: { type: "string" },
    until: { type: "string" },
    reason: { type: "string" },
    author: { type: "string" },
    unpin: { type: "boolean" },
    history: { type: "string" },
  },
  optionHelp: [
    ["--pin <member>", "make this member active until the pin ends"],
    ["--for <duration>", "how long the pin lasts, e.g. 30m, 2h"],
    ["--until <time>", "when the pin ends: 2026-11-24T03:00 (UTC unless a zone is given) or a duration from now"],
    ["--reason <text>", "why (recorded with the pin and shown)"],
    ["--author <name>", "who pins (recorded)"],
    ["--unpin", "end the group's pin now"],
    ["--history <n>", "how many switches to show (default 20)"],
  ],
  async run(ctx) {
    const group = ctx.args.group;
    const pin = typeof ctx.options.pin === "string" ? ctx.options.pin : undefined;
    const unpin = ctx.options.unpin === true;
    if (group === undefined) {
      if (pin !== undefined || unpin) throw new UsageError("say which group: vigil failover <group> --pin|--unpin", HELP);
      const { data, raw } = await ctx.hub().get("api/v1/failover", groupList);
      ctx.io.out(ctx.json ? formatJson(raw) : formatGroupsTable(data.groups, ctx.now()));
      return EXIT.ok;
    }
    const path = `api/v1/failover/${encodeURIComponent(group)}`;
    if (pin !== undefined && unpin) throw new UsageError("give --pin or --unpin, not both", HELP);
    if (pin !== undefined) return show(ctx, await ctx.hub().call("POST", `${path}/pin`, groupStatus, pinBody(ctx, pin)), "Pinned");
    if (unpin) return show(ctx, await ctx.hub().call("DELETE", `${path}/pin`, groupStatus), "Unpinned");
    const history = typeof ctx.options.history === "string" ? ctx.options.history : "20";
    if (!/^\d{1,3}$/.test(history)) throw new UsageError(`--history ${JSON.stringify(history)}: expected a number of switches`, HELP);
    return show(ctx, await ctx.hub().get(`${path}?history=${history}`, groupStatus));
  },
};

function show(ctx: CommandContext, fetched: { data: GroupStatus; raw: unknown }, done?: string): number {
  if (ctx.json) ctx.io.out(formatJson(fetched.raw));
  else ctx.io.out(`${done === undefined ? "" : `${done}.\n\n`}${formatGroupDetail(fetched.data, ctx.now())}`);
  return EXIT.ok;
}

function pinBody(ctx: CommandContext, member: string): PinRequest {
  const o = ctx.options;
  const forText = typeof o.for === "string" ? o.for : undefined;
  const untilText = typeof o.until === "string" ? o.until : undefined;
  if ((forText === undefined) === (untilText === undefined)) throw new UsageError("give one of --for and --until: a pin always ends", HELP);
  const body: PinRequest = { member };
  if (forText !== undefined) {
    const ms = parseDuration(forText);
    if (ms === null || ms <= 0 || /^\d+$/.test(forText))
      throw new UsageError(`--for ${JSON.stringify(forText)}: expected a duration such as 30m or 2h`, HELP);
    body.durationMs = ms;
  } else if (untilText !== undefined) {
    try {
      body.until = parseWhen("--until", untilText, ctx.now());
    } catch (err) {
      throw err instanceof UsageError ? new UsageError(err.message, HELP) : err;
    }
  }
  if (typeof o.reason === "string") body.reason = o.reason;
  if (typeof o.author === "string") body.by = o.author;
  return body;
}
