import { z } from "zod";
import { duration, secret } from "../../shared/config/schema-helpers.ts";
import { alertSeverity } from "../../shared/protocol/alert.ts";
import { labelValue, metricName } from "../../shared/protocol/primitives.ts";
import { ALERT_SOURCES } from "./alert-sink.ts";
import { emailChannelConfig } from "./email/config.ts";
import { slackChannelConfig } from "./slack/config.ts";
import { webhookChannelConfig } from "./webhook/config.ts";

const channelName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, { error: "must be 1-64 letters, digits, '.', '_' or '-'" });

/** One channel's settings; `type` picks the schema. Adding a channel type: its folder, a line here and one in channels.ts. */
export const channelConfig = z.discriminatedUnion("type", [slackChannelConfig, emailChannelConfig, webhookChannelConfig], {
  error: 'expected a channel with type "slack", "email" or "webhook"',
});

/** Which alerts a route takes: every condition given must hold (an absent one holds for all). */
const routeMatch = z.strictObject({
  /** Any of these severities. */
  severity: z.array(alertSeverity).min(1).optional(),
  /** Any of these rule names (for Alertmanager alerts: the alertname). */
  rules: z.array(z.string().min(1)).min(1).optional(),
  /** Every label equal to the value given. */
  labels: z.record(metricName, labelValue).default({}),
  /** Only the hub's own rules, or only alerts posted by an Alertmanager. */
  source: z.enum(ALERT_SOURCES).optional(),
});

const route = z.strictObject({
  /** Shown in the delivery log and the API; defaults to routes[<index>]. */
  name: z.string().min(1).max(64).optional(),
  match: routeMatch.prefault({}),
  channels: z.array(channelName).min(1, { error: "name at least one channel" }),
  /** Alerts with different values of these labels go in separate messages; none: one message per route and channel. */
  groupBy: z.array(metricName).default([]),
  /** Keep looking at later routes after this one matched (by default the first match wins). */
  continue: z.boolean().default(false),
});

/**
 * The `notify` section: channels by name, routes from alerts to channels, and delivery settings.
 * With no routes, every alert goes to every channel.
 */
export const notifyConfigSchema = z
  .strictObject({
    channels: z.record(channelName, channelConfig).default({}),
    routes: z.array(route).default([]),
    /**
     * Alerts submitted within this window of the first one, for the same route and channel, go out as one
     * message. Every notification waits this long, so keep it short (the hub's latency goal is 250 ms).
     */
    groupWait: duration({ max: "10m" }).default(50),
    /** Limit for one delivery attempt (connect, send, answer). */
    timeout: duration({ min: "100ms", max: "5m" }).default(10_000),
    retry: z
      .strictObject({
        /** A notification is dead-lettered after this many failed attempts. */
        maxAttempts: z.int().min(1).max(100).default(16),
        /** Backoff before the second attempt; it doubles each time (with jitter) up to maxBackoff. */
        initialBackoff: duration({ min: "10ms", max: "1h" }).default(15_000),
        maxBackoff: duration({ min: "10ms", max: "1d" }).default(4 * 3_600_000),
      })
      .prefault({}),
    /** Delivered and dead notifications, and the keys that stop duplicates, are kept this long after their last use. */
    retention: duration({ min: "1h" }).default(14 * 86_400_000),
    /** POST /api/v1/alertmanager, the intake for an existing Alertmanager's webhook_configs. */
    alertmanager: z
      .strictObject({
        /** Bearer tokens accepted (Alertmanager's http_config.authorization); with none, only loopback peers are accepted. */
        tokens: z.array(secret).default([]),
        maxBodyBytes: z
          .int()
          .min(1024)
          .default(4 * 1024 * 1024),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    cfg.routes.forEach((r, i) => {
      r.channels.forEach((name, j) => {
        if (!Object.hasOwn(cfg.channels, name)) {
          const known = Object.keys(cfg.channels);
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "channels", j],
            message: `no channel named "${name}" in notify.channels${known.length > 0 ? ` (there are: ${known.join(", ")})` : ""}`,
          });
        }
      });
    });
    if (cfg.retry.maxBackoff < cfg.retry.initialBackoff) {
      ctx.addIssue({ code: "custom", path: ["retry", "maxBackoff"], message: "must be at least retry.initialBackoff" });
    }
  });

export type NotifyConfigInput = z.input<typeof notifyConfigSchema>;
