import { notificationsOverview } from "../../notify/api/schema.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";
import { formatNotifications } from "./notifications-format.ts";

/** `vigil notifications`: the delivery queue, dead letters, recent deliveries and muted alerts. */
export const notificationsCommand: Command = {
  name: "notifications",
  args: [],
  summary: "show the notification queue: pending, dead letters, recent deliveries, muted alerts",
  description: [
    "Shows what the hub's notification outbox holds: messages waiting for delivery with their",
    "attempts, next try and last error; dead letters (given up after notify.retry.maxAttempts, or",
    "refused for good by the receiver) with the reason; the newest delivered messages; and alert",
    "transitions a silence or maintenance window held back.",
  ].join("\n"),
  options: { limit: { type: "string" } },
  optionHelp: [["--limit <n>", "rows per section, 1 to 500 (default 20)"]],
  async run(ctx) {
    const limit = typeof ctx.options.limit === "string" ? ctx.options.limit : undefined;
    if (limit !== undefined && !/^\d+$/.test(limit))
      throw new UsageError(`--limit: expected a number, got "${limit}"`, "vigil help notifications");
    const { data, raw } = await ctx.hub().get(`api/v1/notifications${limit ? `?limit=${limit}` : ""}`, notificationsOverview);
    ctx.io.out(ctx.json ? formatJson(raw) : formatNotifications(data, ctx.now()));
    return EXIT.ok;
  },
};
