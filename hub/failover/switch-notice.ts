import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { SwitchCause } from "./decide.ts";

/** The rule names failover notifications carry, for notify.routes (`rules: [failover-switch]`). */
export const SWITCH_RULE = "failover-switch";
export const UNAVAILABLE_RULE = "failover-no-healthy-member";

export interface SwitchFacts {
  group: string;
  from: string;
  to: string;
  toHost: string;
  primary: string;
  epoch: number;
  cause: SwitchCause;
  reason: string;
  at: number;
  /** When the group last left its primary (the start of this failed-over period). */
  leftPrimaryAt: number | undefined;
}

/**
 * A switch as an alert event for the notification channels: firing while the group is away from its
 * primary (every further switch is sent again), resolved when it is back on the primary. One
 * fingerprint per group, and the start of the failed-over period as startsAt, so a channel shows the
 * return as the end of the same alert.
 */
export function switchEvent(f: SwitchFacts): AlertEvent {
  const back = f.to === f.primary;
  const startsAt = f.leftPrimaryAt ?? f.at;
  return {
    fingerprint: `failover:${f.group}`,
    rule: SWITCH_RULE,
    status: back ? "resolved" : "firing",
    severity: "warning",
    hostId: f.toHost,
    labels: { group: f.group, from: f.from, member: f.to },
    value: null,
    threshold: null,
    startsAt: Math.min(startsAt, f.at),
    endsAt: back ? f.at : null,
    annotations: {
      summary: `failover ${f.group}: ${f.from} -> ${f.to} (epoch ${f.epoch}, ${f.cause})`,
      description: f.reason,
    },
  };
}

/** The group has no member to serve (its active member is down and no other is up), or has one again. */
export function unavailableEvent(o: {
  group: string;
  active: string;
  activeHost: string;
  detail: string;
  since: number;
  at: number;
  resolved: boolean;
}): AlertEvent {
  return {
    fingerprint: `failover-unavailable:${o.group}`,
    rule: UNAVAILABLE_RULE,
    status: o.resolved ? "resolved" : "firing",
    severity: "critical",
    hostId: o.activeHost,
    labels: { group: o.group, member: o.active },
    value: null,
    threshold: null,
    startsAt: o.since,
    endsAt: o.resolved ? o.at : null,
    annotations: {
      summary: o.resolved ? `failover ${o.group}: a member is healthy again` : `failover ${o.group}: no healthy member`,
      description: o.detail,
    },
  };
}
