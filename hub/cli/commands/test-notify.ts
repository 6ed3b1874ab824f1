import { testNotificationResult } from "../../notify/api/schema.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { formatJson } from "../format.ts";

/** `vigil test-notify <channel>`: sends a test message through one channel and says how it went. */
export const testNotifyCommand: Command = {
  name: "test-notify",
  args: [{ name: "channel", required: true }],
  summary: "send a test message through a notification channel",
  description: [
    "Asks the hub to send a test message straight to the channel named in notify.channels (not",
    "through the outbox). The hub retries a failing receiver for up to 8 seconds, then reports the",
    "receiver's answer (Slack's error code, the SMTP reply, the webhook's status). Needs an admin",
    "token when the hub has auth.adminTokens; without them it is accepted from the hub's machine only.",
  ].join("\n"),
  async run(ctx) {
    const channel = ctx.args.channel as string;
    const { data, raw } = await ctx.hub().call("POST", "api/v1/notifications/test", testNotificationResult, { channel });
    if (ctx.json) ctx.io.out(formatJson(raw));
    else {
      const retries = data.attempts > 1 ? ` after ${data.attempts} attempts` : "";
      ctx.io.out(`test message delivered to ${data.channel} (${data.type}) in ${Math.round(data.durationMs)} ms${retries}`);
    }
    return EXIT.ok;
  },
};
