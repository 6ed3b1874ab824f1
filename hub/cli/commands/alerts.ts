import { alertDetail, alertList } from "../../rules/alerts-api.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";
import { formatAlertDetail, formatAlertsTable, formatHistory } from "./alerts-format.ts";

/** `vigil alerts [fingerprint]`: alerts with their state, or one alert with its history. */
export const alertsCommand: Command = {
  name: "alerts",
  args: [{ name: "fingerprint", required: false }],
  summary: "list pending and firing alerts; <fingerprint> for one alert and its history",
  description: [
    "Lists the alerts of the hub's rules: firing first, then pending, with their value (or state),",
    "how long they have been in that state and their summary. A silenced alert reads",
    '"firing (silenced)": it is recorded, but not sent. With a fingerprint, shows that alert and',
    "every transition it went through. With --history, lists the newest transitions of all alerts.",
  ].join("\n"),
  options: {
    state: { type: "string" },
    host: { type: "string" },
    rule: { type: "string" },
    history: { type: "boolean" },
  },
  optionHelp: [
    ["--state <states>", "firing, pending, resolved, active (firing and pending; the default) or all; comma-separated"],
    ["--host <id>", "only this host's alerts"],
    ["--rule <name>", "only this rule's alerts"],
    ["--history", "list the newest transitions (the last 50) instead of the alerts"],
  ],
  async run(ctx) {
    const fingerprint = ctx.args.fingerprint;
    if (fingerprint !== undefined) {
      const { data, raw } = await ctx.hub().get(`api/v1/alerts/${encodeURIComponent(fingerprint)}`, alertDetail);
      ctx.io.out(ctx.json ? formatJson(raw) : formatAlertDetail(data, ctx.now()));
      return EXIT.ok;
    }
    const state = typeof ctx.options.state === "string" ? ctx.options.state : "active";
    const query = new URLSearchParams({ state, history: ctx.options.history === true ? "50" : "0" });
    if (typeof ctx.options.host === "string") query.set("host", ctx.options.host);
    if (typeof ctx.options.rule === "string") query.set("rule", ctx.options.rule);
    const { data, raw } = await ctx.hub().get(`api/v1/alerts?${query}`, alertList);
    if (ctx.json) ctx.io.out(formatJson(raw));
    else if (ctx.options.history === true) ctx.io.out(formatHistory(data.history));
    else ctx.io.out(formatAlertsTable(data.alerts, ctx.now(), state === "active" ? "pending or firing" : state.replaceAll(",", " or ")));
    return EXIT.ok;
  },
};
