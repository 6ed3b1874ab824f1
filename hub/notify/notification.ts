import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { AlertSource } from "./alert-sink.ts";

/** An alert state change as a channel shows it: the event, where it came from, and a link back for Alertmanager alerts. */
export interface NotifiedAlert extends AlertEvent {
  source: AlertSource;
  /** Alertmanager's generatorURL (the Prometheus graph of the rule), when it sent one. */
  generatorUrl?: string;
}

/** One message for one channel: the alerts grouped into it, as kept in the outbox. */
export interface Notification {
  /** The outbox row id: stable across retries and restarts, so receivers may deduplicate on it. */
  id: number;
  channel: string;
  /** The route that sent it (its name, or `routes[2]`); null for test messages and when no routes are configured. */
  route: string | null;
  groupKey: string;
  alerts: NotifiedAlert[];
  /** A `vigil test-notify` message rather than a real alert. */
  test: boolean;
  createdAt: number;
}

/** What message renderers know besides the notification. */
export interface RenderContext {
  /** Base URL for links to the hub (publicUrl), when it has one. */
  hubUrl: string | undefined;
}

/** Counts by status, for titles: a group may mix firing and resolved alerts. */
export function statusCounts(alerts: readonly NotifiedAlert[]): { firing: number; resolved: number } {
  let firing = 0;
  for (const a of alerts) if (a.status === "firing") firing++;
  return { firing, resolved: alerts.length - firing };
}

/** The id receivers may deduplicate on: the same across retries and restarts (X-Vigil-Delivery, webhook `deliveryId`). */
export function deliveryId(n: Notification): string {
  return n.test ? `vigil-test-${n.createdAt}` : `vigil-${n.id}`;
}
