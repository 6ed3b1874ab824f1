import type { Command, CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatHostsTable, formatJson } from "../format.ts";

const ACTIONS = ["add", "remove", "revoke"] as const;

/** `vigil hosts`: every host the hub knows; `vigil hosts add|remove|revoke <id>`: agent tokens (admin). */
export const hostsCommand: Command = {
  name: "hosts",
  args: [
    { name: "add|remove|revoke", required: false },
    { name: "id", required: false },
  ],
  summary: "list hosts (status, last seen); add <id>, remove <id>, revoke <id>",
  description: [
    'Without arguments, lists every host that has reported to the hub, sorted by id. STATUS is "down"',
    "once the host missed several heartbeat intervals; LAST SEEN is when the hub last heard from it.",
    "",
    "Admin actions (the hub accepts them with an admin token, --token or VIGIL_TOKEN, or without one",
    "only from its own machine):",
    "  add <id>      create a token bound to agent <id> and print it once: put it in that agent's",
    "                config (hub.token). The hub keeps only a hash of it.",
    "  revoke <id>   revoke the agent's token: it can no longer push; its history stays.",
    "  remove <id>   revoke the token and delete the host with everything stored for it.",
  ].join("\n"),
  async run(ctx) {
    const action = ctx.args["add|remove|revoke"];
    if (action === undefined) return list(ctx);
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`unknown hosts action ${JSON.stringify(action)} (expected add, remove or revoke)`, "vigil help hosts");
    }
    const id = ctx.args.id;
    if (id === undefined) throw new UsageError(`missing <id> for "hosts ${action}"`, "vigil help hosts");
    if (action === "add") return add(ctx, id);
    const { data, raw } = action === "remove" ? await ctx.hub().removeHost(id) : await ctx.hub().revokeToken(id);
    if (ctx.json) ctx.io.out(formatJson(raw));
    else if (action === "revoke") ctx.io.out(`Revoked the token of ${id}: it can no longer push to the hub.`);
    else {
      const what = [
        data.hostRemoved ? "deleted it and its data" : "it had no data",
        data.tokenRevoked ? "revoked its token" : "it held no token",
      ];
      ctx.io.out(`Removed ${id}: ${what.join(", ")}.`);
    }
    return EXIT.ok;
  },
};

async function list(ctx: CommandContext): Promise<number> {
  if (ctx.args.id !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(ctx.args.id)} for "hosts"`, "vigil help hosts");
  const { data, raw } = await ctx.hub().listHosts();
  ctx.io.out(ctx.json ? formatJson(raw) : formatHostsTable(data.hosts, ctx.now()));
  return EXIT.ok;
}

async function add(ctx: CommandContext, id: string): Promise<number> {
  const { data, raw } = await ctx.hub().addHost(id);
  if (ctx.json) {
    ctx.io.out(formatJson(raw));
    return EXIT.ok;
  }
  ctx.io.out(
    [
      `Token for agent ${data.agentId} (shown once; the hub keeps only its hash):`,
      "",
      `  ${data.token}`,
      "",
      "Put it in that agent's config, e.g. in a file readable only by the agent (mode 0600):",
      `  hub:\n    token: { file: /etc/vigil/agent.token }`,
    ].join("\n"),
  );
  return EXIT.ok;
}
