import type { AlertDetail, AlertHistoryEntry, AlertView } from "../../rules/alerts-api.ts";
import { formatAge, formatLabelList, formatTable, printable } from "../format.ts";

/** Text of `vigil alerts`: pure functions of the hub's answer and the current time. */

/** The value column: a number, the observed state, or "-" (missing is not zero). */
function valueOf(a: Pick<AlertView, "value" | "observedState">): string {
  if (a.value !== null) return Number.isInteger(a.value) ? String(a.value) : String(Math.round(a.value * 100) / 100);
  return a.observedState ?? "-";
}

function sinceOf(a: AlertView): number | null {
  if (a.state === "firing") return a.firingSince;
  if (a.state === "pending") return a.pendingSince;
  return a.resolvedAt;
}

function stateOf(a: Pick<AlertView, "state" | "mutedBy">): string {
  return a.mutedBy === null ? a.state : `${a.state} (${a.mutedBy.kind === "maintenance" ? "maintenance" : "silenced"})`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The `vigil alerts` table: firing first, as the hub sorts them. */
export function formatAlertsTable(alerts: readonly AlertView[], nowMs: number, what: string): string {
  if (alerts.length === 0) return `No ${what} alerts.`;
  const rows = alerts.map((a) => {
    const since = sinceOf(a);
    return [
      a.fingerprint,
      stateOf(a),
      a.severity ?? "-",
      a.rule,
      a.hostId ?? "-",
      valueOf(a),
      since === null ? "-" : formatAge(nowMs - since),
      a.annotations.summary ?? formatLabelList(a.labels),
    ];
  });
  return formatTable(["FINGERPRINT", "STATE", "SEVERITY", "RULE", "HOST", "VALUE", "SINCE", "SUMMARY"], rows);
}

/** Transitions, newest first. */
export function formatHistory(history: readonly AlertHistoryEntry[]): string {
  if (history.length === 0) return "No alert history.";
  const rows = history.map((e) => [
    iso(e.at),
    e.rule,
    e.hostId ?? "-",
    formatLabelList(e.labels),
    `${e.from} -> ${e.to}`,
    e.reason,
    e.severity ?? "-",
    valueOf(e),
    e.notification === null
      ? "-"
      : e.mutedBy === null
        ? e.notification
        : `${e.notification} (muted by ${e.mutedBy.kind} ${e.mutedBy.id.slice(0, 8)})`,
  ]);
  return formatTable(["TIME", "RULE", "HOST", "LABELS", "TRANSITION", "REASON", "SEVERITY", "VALUE", "NOTIFIED"], rows);
}

/** `vigil alerts <fingerprint>`: the alert's fields, its annotations, then its history. */
export function formatAlertDetail(d: AlertDetail, nowMs: number): string {
  const a = d.alert;
  const when = (ms: number | null) => (ms === null ? "-" : `${formatAge(nowMs - ms)} (${iso(ms)})`);
  const fields: Array<[string, string]> = [
    ["Fingerprint", a.fingerprint],
    ["Rule", a.rule],
    ["State", stateOf(a)],
    ["Severity", a.severity ?? "-"],
    ["Host", a.hostId ?? "-"],
    ["Labels", formatLabelList(a.labels)],
    ["Value", valueOf(a)],
    ["Threshold", a.threshold === null ? "-" : String(a.threshold)],
    ["Condition since", when(a.pendingSince)],
    ["Firing since", when(a.firingSince)],
    ["Resolved", when(a.resolvedAt)],
    ["Last notified", when(a.lastNotifiedAt)],
    ["Observed", when(a.observedAt)],
  ];
  if (a.mutedBy) fields.push(["Muted by", `${a.mutedBy.kind} ${a.mutedBy.id}${a.mutedBy.comment ? `: ${a.mutedBy.comment}` : ""}`]);
  for (const [key, text] of Object.entries(a.annotations)) fields.push([key, text]);
  const w = Math.max(...fields.map(([k]) => k.length)) + 2;
  const lines = fields.map(([k, v]) => `${`${k}:`.padEnd(w)}${printable(v)}`);
  return [lines.join("\n"), `History (${d.history.length}):`, formatHistory(d.history)].join("\n\n");
}
