// How an alert is shown wherever alerts are listed (overview, alerts page, host page).
import { badge, h } from "./dom.js";
import { toneOf } from "../model/tone.js";
import { formatAge, formatLabels, formatNumber } from "../model/format.js";

export const ALERT_HEADERS = ["Severity", "Alert", "Host", "Value", "Since", "Notified"];

/**
 * @param {any} a an alert of GET /api/v1/alerts
 * @param {number} now
 * @param {(alert: any) => Node | null} [extra] a cell appended to the row (the alerts page's Silence button)
 */
export function alertRow(a, now, extra) {
  const summary = a.annotations?.summary;
  const value =
    a.value !== null
      ? `${formatNumber(a.value, Number.isInteger(a.value) ? 0 : 1)}${a.threshold !== null ? ` (threshold ${formatNumber(a.threshold, Number.isInteger(a.threshold) ? 0 : 1)})` : ""}`
      : (a.observedState ?? "");
  const since = a.state === "firing" ? a.firingSince : a.state === "pending" ? a.pendingSince : a.resolvedAt;
  const cells = [
    badge(
      a.state === "firing" ? (a.severity ?? "firing") : a.state,
      a.state === "firing" ? toneOf(a.severity === "warning" ? "warning" : "critical") : toneOf(a.state),
    ),
    h(
      "span",
      {},
      h("strong", {}, a.rule),
      Object.keys(a.labels).length > 0 ? h("span", { class: "muted" }, ` ${formatLabels(a.labels)}`) : null,
      summary ? h("div", { class: "summary" }, summary) : null,
    ),
    a.hostId ? h("a", { href: `/ui/hosts/${encodeURIComponent(a.hostId)}` }, a.hostId) : "",
    value,
    `${a.state} ${formatAge(since, now)}`,
    a.mutedBy
      ? badge(`silenced: ${a.mutedBy.comment ?? a.mutedBy.id.slice(0, 8)}`, "info")
      : a.lastNotifiedAt
        ? formatAge(a.lastNotifiedAt, now)
        : "not yet",
  ];
  if (extra) cells.push(extra(a) ?? "");
  return cells;
}
