import { createHash } from "node:crypto";
import { canonicalLabels } from "../../shared/labels.ts";
import type { AlertEvent } from "../../shared/protocol/alert.ts";

/** The alert an escalation is about: what the notification names. */
export interface EscalatedAlert {
  fingerprint: string;
  rule: string;
  hostId: string | null;
  labels: Readonly<Record<string, string>>;
  value: number | null;
  threshold: number | null;
}

/** The escalation's own identity: one per alert, so its resolution pairs with its firing downstream. */
export function escalationFingerprint(alertFingerprint: string): string {
  return createHash("sha256").update(`remediation-gave-up\u0000${alertFingerprint}`).digest("hex").slice(0, 16);
}

/**
 * "Remediation gave up": a critical notification of its own, beside the alert's, so routes that page
 * on critical reach someone even when the alert itself is a warning. It carries the alert's rule,
 * host and labels (so routes and silences written for the alert apply), plus `remediation=gave-up`.
 */
export function escalationEvent(
  a: EscalatedAlert,
  o: { status: AlertEvent["status"]; startsAt: number; endsAt: number | null; why: string },
): AlertEvent {
  const where = a.hostId === null ? a.rule : `${a.rule} on ${a.hostId}`;
  const summary =
    o.status === "firing"
      ? `remediation gave up on ${where}: ${o.why}; someone has to look`
      : `${where} resolved after remediation had given up (${o.why})`;
  return {
    fingerprint: escalationFingerprint(a.fingerprint),
    rule: a.rule,
    status: o.status,
    severity: "critical",
    hostId: a.hostId,
    // Sorted by name, as the engine sends an alert's labels.
    labels: JSON.parse(canonicalLabels({ ...a.labels, remediation: "gave-up" })) as Record<string, string>,
    value: a.value,
    threshold: a.threshold,
    startsAt: o.startsAt,
    endsAt: o.endsAt,
    annotations: { summary: summary.slice(0, 4000), remediation: `gave up: ${o.why}`.slice(0, 4000) },
  };
}
