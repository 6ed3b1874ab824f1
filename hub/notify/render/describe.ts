import { type NotifiedAlert, statusCounts } from "../notification.ts";

/**
 * Plain-text pieces every channel's message is made of, so Slack, email and the webhook say the
 * same thing. Each channel escapes them for its own format.
 */

/** A reading as people write it: up to 4 significant digits, no exponent, no trailing zeros. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 1) return String(Number(value.toPrecision(4)));
  return String(Number(value.toFixed(4)));
}

/** Where the alert is: the Vigil host, else the host-like label an Alertmanager alert carries; undefined when none. */
export function alertHost(alert: NotifiedAlert): string | undefined {
  return alert.hostId ?? alert.labels.host ?? alert.labels.hostname ?? alert.labels.instance ?? alert.labels.node ?? undefined;
}

/** "value 92.5 crossed threshold 90"; undefined when the condition has no value (a state or an absence). */
export function valueLine(alert: NotifiedAlert): string | undefined {
  if (alert.value === null) return undefined;
  const value = formatValue(alert.value);
  if (alert.threshold === null) return `value ${value}`;
  const verb = alert.status === "resolved" ? "back within threshold" : "crossed threshold";
  return `value ${value} ${verb} ${formatValue(alert.threshold)}`;
}

/** The alert's own words: its summary annotation, else its description; undefined when it has neither. */
export function alertSummary(alert: NotifiedAlert): string | undefined {
  return alert.annotations.summary ?? alert.annotations.description ?? undefined;
}

/** What automatic remediation did for the alert and with what result (hub/remediation); undefined when nothing. */
export function remediationLine(alert: NotifiedAlert): string | undefined {
  return alert.annotations.remediation ?? undefined;
}

/** UTC time, to the second: "2026-11-23 14:03:11 UTC". */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A duration, coarse: "45s", "12m", "3h 5m", "2d 4h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** "firing since 2026-11-23 14:03:11 UTC" or "resolved at ... after 12m". */
export function timeLine(alert: NotifiedAlert): string {
  if (alert.status === "firing" || alert.endsAt === null) return `since ${formatTime(alert.startsAt)}`;
  return `resolved ${formatTime(alert.endsAt)}, after ${formatSpan(alert.endsAt - alert.startsAt)}`;
}

/** "GpuTempHigh on gpu-box-1" (or the rule alone when no host is known). */
export function alertName(alert: NotifiedAlert): string {
  const host = alertHost(alert);
  return host === undefined ? alert.rule : `${alert.rule} on ${host}`;
}

/**
 * One line naming the whole message: "FIRING: GpuTempHigh on gpu-box-1", "FIRING 3: GpuTempHigh on
 * gpu-box-1 and 2 more", "RESOLVED: ...", "FIRING 2, RESOLVED 1: ...". Firing alerts are named first.
 */
export function messageTitle(alerts: readonly NotifiedAlert[]): string {
  const { firing, resolved } = statusCounts(alerts);
  const parts: string[] = [];
  if (firing > 0) parts.push(firing === 1 && resolved === 0 ? "FIRING" : `FIRING ${firing}`);
  if (resolved > 0) parts.push(resolved === 1 && firing === 0 ? "RESOLVED" : `RESOLVED ${resolved}`);
  const first = alerts.find((a) => a.status === "firing") ?? alerts[0];
  if (!first) return "no alerts";
  const more = alerts.length > 1 ? ` and ${alerts.length - 1} more` : "";
  return `${parts.join(", ")}: ${alertName(first)}${more}`;
}

/** Labels other than the ones the message already shows, as `name=value` pairs, sorted. */
export function extraLabels(alert: NotifiedAlert): Array<[string, string]> {
  const shown = new Set(["alertname", "severity"]);
  return Object.entries(alert.labels)
    .filter(([k]) => !shown.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Firing before resolved, then the most severe first, then oldest first: the order alerts are listed in. */
export function orderForDisplay(alerts: readonly NotifiedAlert[]): NotifiedAlert[] {
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return [...alerts].sort(
    (a, b) =>
      (a.status === b.status ? 0 : a.status === "firing" ? -1 : 1) || rank[a.severity] - rank[b.severity] || a.startsAt - b.startsAt,
  );
}
