import type { Command } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { formatHostsTable, formatJson } from "../format.ts";

/** `vigil hosts`: every host the hub knows, one line each. */
export const hostsCommand: Command = {
  name: "hosts",
  args: [],
  summary: "list the hosts the hub knows: status, last seen, agent version, labels",
  description:
    'Lists every host that has reported to the hub, sorted by id. STATUS is "down" once the host\n' +
    "missed several push intervals; LAST SEEN is the time of its newest batch.",
  async run(ctx) {
    const { data, raw } = await ctx.hub().listHosts();
    ctx.io.out(ctx.json ? formatJson(raw) : formatHostsTable(data.hosts, ctx.now()));
    return EXIT.ok;
  },
};
