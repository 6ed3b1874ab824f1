import type { Command } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { formatHostDetails, formatJson } from "../format.ts";

/** `vigil host <id>`: one host's details and the newest value of each of its series and states. */
export const hostCommand: Command = {
  name: "host",
  args: [{ name: "id", required: true }],
  summary: "show one host, its latest samples and its states",
  description:
    "Shows one host's details, then the newest value of each of its series, grouped by name and\n" +
    'written like Prometheus (name{label="value"} value), then its states. With --json, prints the\n' +
    "hub's answer to GET /api/v1/hosts/<id>/latest.",
  async run(ctx) {
    const id = ctx.args.id as string;
    const { data, raw } = await ctx.hub().getHostLatest(id);
    ctx.io.out(ctx.json ? formatJson(raw) : formatHostDetails(data, ctx.now()));
    return EXIT.ok;
  },
};
