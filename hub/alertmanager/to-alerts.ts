import { type AlertSeverity, alertEvent } from "../../shared/protocol/alert.ts";
import { type FieldIssue, toFieldIssues } from "../../shared/validation/issues.ts";
import type { NotifiedAlert } from "../notify/notification.ts";
import { alertmanagerFingerprint } from "./fingerprint.ts";
import type { AlertmanagerPayload } from "./payload.ts";

/** Annotations longer than this are cut (Vigil's alert events carry at most 4096 characters per annotation). */
const ANNOTATION_MAX = 4096;

/** The `severity` label's usual spellings; anything else, or none, is a warning. */
const SEVERITIES: Record<string, AlertSeverity> = {
  critical: "critical",
  crit: "critical",
  error: "critical",
  page: "critical",
  high: "critical",
  emergency: "critical",
  fatal: "critical",
  warning: "warning",
  warn: "warning",
  medium: "warning",
  info: "info",
  informational: "info",
  notice: "info",
  low: "info",
  none: "info",
};

export function severityOf(label: string | undefined): AlertSeverity {
  return (label === undefined ? undefined : SEVERITIES[label.trim().toLowerCase()]) ?? "warning";
}

export type ConversionResult = { ok: true; alerts: NotifiedAlert[] } | { ok: false; issues: FieldIssue[] };

/**
 * Alertmanager's alerts as Vigil alert transitions: the alertname is the rule, the severity label
 * the severity, the fingerprint Alertmanager's own (computed the same way when it was not sent).
 * An alert without its own status takes the payload's. A resolved alert without endsAt ends when
 * it was received. Each result is checked against the alert-event schema; problems name the alert
 * (`alerts[2].labels.bad-name`).
 */
export function toAlerts(payload: AlertmanagerPayload, receivedAt: number): ConversionResult {
  const alerts: NotifiedAlert[] = [];
  const issues: FieldIssue[] = [];
  payload.alerts.forEach((a, i) => {
    const status = a.status ?? payload.status;
    const candidate = {
      fingerprint: a.fingerprint !== undefined && a.fingerprint !== "" ? a.fingerprint : alertmanagerFingerprint(a.labels),
      rule: a.labels.alertname ?? "alertmanager",
      status,
      severity: severityOf(a.labels.severity),
      hostId: null,
      labels: a.labels,
      value: null,
      threshold: null,
      startsAt: a.startsAt ?? receivedAt,
      endsAt: status === "resolved" ? (a.endsAt ?? receivedAt) : null,
      annotations: Object.fromEntries(Object.entries(a.annotations).map(([k, v]) => [k, v.slice(0, ANNOTATION_MAX)])),
    };
    const parsed = alertEvent.safeParse(candidate, { reportInput: true });
    if (!parsed.success) {
      for (const issue of toFieldIssues(parsed.error.issues)) {
        const sub = issue.path === "" || issue.path.startsWith("[") ? issue.path : `.${issue.path}`;
        issues.push({ path: `alerts[${i}]${sub}`, message: issue.message });
      }
      return;
    }
    alerts.push({ ...parsed.data, source: "alertmanager", ...(a.generatorURL ? { generatorUrl: a.generatorURL } : {}) });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, alerts };
}
