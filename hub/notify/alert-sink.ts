import type { AlertEvent } from "../../shared/protocol/alert.ts";

/**
 * Where alert state changes come from: the hub's own rules (remediation escalations included), an
 * Alertmanager posting to the hub, a failover switch, or the scheduled backup. Routes may match on it.
 */
export const ALERT_SOURCES = ["rules", "alertmanager", "failover", "backup"] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/**
 * The seam between alert evaluation (hub/rules, the Alertmanager intake) and notification
 * (hub/notify). `submit` routes, groups and writes the resulting notifications to the persisted
 * outbox before it returns, so a hub killed right after still delivers them after its restart.
 */
export interface AlertSink {
  submit(events: readonly AlertEvent[], source: AlertSource): void;
}

/** What muted an alert; recorded with the alert, and the notification is not sent. */
export interface MuteReason {
  id: string;
  kind: "silence" | "maintenance";
  comment?: string;
}

/**
 * Silences and maintenance windows (hub/silences) behind one question, asked by the notifier
 * before it enqueues a notification. Knows nothing of channels.
 */
export interface Muter {
  mutedBy(event: AlertEvent, nowMs: number): MuteReason | undefined;
}
