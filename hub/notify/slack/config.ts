import { z } from "zod";
import { channelBaseFields } from "../channel-base.ts";
import { secretUrl } from "../secret-url.ts";

/** A Slack incoming webhook (`https://hooks.slack.com/services/...`); the URL is a secret. */
export const slackChannelConfig = z.strictObject({
  type: z.literal("slack"),
  url: secretUrl,
  /** Alerts shown in full in one message; the rest are counted ("and 12 more"). Slack allows 50 blocks. */
  maxAlerts: z.int().min(1).max(15).default(10),
  ...channelBaseFields,
});
