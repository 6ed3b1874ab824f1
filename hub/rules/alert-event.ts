import { canonicalLabels } from "../../shared/labels.ts";
import type { AlertEvent } from "../../shared/protocol/alert.ts";
import { conditionSince } from "./alert-machine.ts";
import type { StoredAlert } from "./alert-store.ts";
import type { CompiledRule } from "./compiled-rule.ts";
import { renderTemplate } from "./template.ts";

/** The wire schema bounds each annotation (shared/protocol/alert.ts). */
const ANNOTATION_MAX = 4096;

/** The rule's annotations rendered for the alert's current values. */
export function renderAnnotations(rule: CompiledRule, a: Omit<StoredAlert, "annotations" | "mutedBy">): Record<string, string> {
  const values = {
    host: a.hostId,
    value: a.value,
    threshold: a.threshold,
    since: conditionSince(a.state) ?? a.state.firingSince,
    severity: a.state.severity ?? "N/A",
    rule: rule.name,
    state: a.observedState,
    labels: a.labels,
  };
  const out: Record<string, string> = {};
  for (const [key, template] of rule.annotations) {
    const text = renderTemplate(template, values);
    out[key] = text.length > ANNOTATION_MAX ? `${text.slice(0, ANNOTATION_MAX - 1)}…` : text;
  }
  return out;
}

/** The event handed to the notifier for a firing or resolved transition. */
export function toAlertEvent(a: StoredAlert, status: AlertEvent["status"], now: number): AlertEvent {
  return {
    fingerprint: a.fingerprint,
    rule: a.rule,
    status,
    severity: a.state.severity ?? "warning",
    hostId: a.hostId,
    // Sorted by name, as the API lists them, so receivers see one order.
    labels: JSON.parse(canonicalLabels(a.labels)) as Record<string, string>,
    value: a.value,
    threshold: a.threshold,
    startsAt: a.state.firingSince ?? now,
    endsAt: status === "resolved" ? (a.state.resolvedAt ?? now) : null,
    annotations: { ...a.annotations },
  };
}
