import type { AlertSource } from "../alert-sink.ts";
import { alertsLink } from "../links.ts";
import { deliveryId, type Notification, type RenderContext, statusCounts } from "../notification.ts";
import { messageTitle } from "../render/describe.ts";

/** Bumped only for incompatible changes; fields are only ever added. */
export const WEBHOOK_BODY_VERSION = "1";

/** One alert in the webhook body (docs/notifications.md, "Webhook body"). Times are RFC 3339 UTC. */
export interface WebhookAlert {
  fingerprint: string;
  rule: string;
  status: "firing" | "resolved";
  severity: "info" | "warning" | "critical";
  source: AlertSource;
  hostId: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The observed value and the threshold it crossed; null when the condition has none. */
  value: number | null;
  threshold: number | null;
  startsAt: string;
  endsAt: string | null;
  generatorUrl: string | null;
}

/** The JSON a webhook receives. */
export interface WebhookBody {
  version: typeof WEBHOOK_BODY_VERSION;
  /** Same across retries: receivers deduplicate on it (also sent as X-Vigil-Delivery). */
  deliveryId: string;
  channel: string;
  route: string | null;
  groupKey: string;
  /** "firing" while any alert in the group fires, else "resolved". */
  status: "firing" | "resolved";
  title: string;
  test: boolean;
  hubUrl: string | null;
  alertsUrl: string | null;
  alerts: WebhookAlert[];
}

export function buildWebhookBody(n: Notification, ctx: RenderContext): WebhookBody {
  return {
    version: WEBHOOK_BODY_VERSION,
    deliveryId: deliveryId(n),
    channel: n.channel,
    route: n.route,
    groupKey: n.groupKey,
    status: statusCounts(n.alerts).firing > 0 ? "firing" : "resolved",
    title: messageTitle(n.alerts),
    test: n.test,
    hubUrl: ctx.hubUrl ?? null,
    alertsUrl: ctx.hubUrl ? alertsLink(ctx.hubUrl) : null,
    alerts: n.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      rule: a.rule,
      status: a.status,
      severity: a.severity,
      source: a.source,
      hostId: a.hostId,
      labels: a.labels,
      annotations: a.annotations,
      value: a.value,
      threshold: a.threshold,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === null ? null : new Date(a.endsAt).toISOString(),
      generatorUrl: a.generatorUrl ?? null,
    })),
  };
}
