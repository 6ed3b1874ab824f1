import type { MutedNotification, NotificationRecord, NotificationsOverview } from "../../notify/api/schema.ts";
import { formatAge, formatTable } from "../format.ts";

/** Text of `vigil notifications`: pure functions of the hub's answer and the current time. */

/** "FooAlert firing on x.y.z", "+2 more" when the message grouped several alerts. */
function alertsOf(r: NotificationRecord): string {
  const [first] = r.alerts;
  if (!first) return "-";
  const one = `${first.rule} ${first.status}${first.hostId ? ` on ${first.hostId}` : ""}`;
  return r.alertCount > 1 ? `${one} (+${r.alertCount - 1} more)` : one;
}

function ageOr(ms: number | null, nowMs: number): string {
  return ms === null ? "-" : formatAge(nowMs - ms);
}

function section(title: string, header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return rows.length === 0 ? `${title}: none` : `${title}:\n${formatTable(header, rows)}`;
}

function mutedRows(muted: readonly MutedNotification[], nowMs: number): string[][] {
  return muted.map((m) => [
    m.channel,
    `${m.alert.rule} ${m.alert.status}${m.alert.hostId ? ` on ${m.alert.hostId}` : ""}`,
    `${m.mutedBy.kind} ${m.mutedBy.id}${m.mutedBy.comment ? `: ${m.mutedBy.comment}` : ""}`,
    formatAge(nowMs - m.at),
  ]);
}

export function formatNotifications(o: NotificationsOverview, nowMs: number): string {
  const channels =
    o.channels.length === 0 ? "none configured (see notify.channels)" : o.channels.map((c) => `${c.name} (${c.type})`).join(", ");
  const dead = o.counts.dead === 1 ? "1 dead letter" : `${o.counts.dead} dead letters`;
  return [
    `Queue: ${o.queueDepth} pending, ${dead}, ${o.counts.delivered} delivered (kept for the retention period).`,
    `Channels: ${channels}.`,
    "",
    section(
      "Pending",
      ["ID", "CHANNEL", "ALERTS", "ATTEMPTS", "NEXT TRY", "LAST ERROR"],
      o.pending.map((r) => [String(r.id), r.channel, alertsOf(r), String(r.attempts), ageOr(r.nextAttemptAt, nowMs), r.lastError ?? "-"]),
    ),
    "",
    section(
      "Dead letters (not sent again)",
      ["ID", "CHANNEL", "ALERTS", "ATTEMPTS", "GAVE UP", "REASON"],
      o.deadLetters.map((r) => [String(r.id), r.channel, alertsOf(r), String(r.attempts), ageOr(r.finishedAt, nowMs), r.lastError ?? "-"]),
    ),
    "",
    section(
      "Recently delivered",
      ["ID", "CHANNEL", "ALERTS", "ATTEMPTS", "DELIVERED"],
      o.recent.map((r) => [String(r.id), r.channel, alertsOf(r), String(r.attempts), ageOr(r.finishedAt, nowMs)]),
    ),
    "",
    section("Muted (not sent)", ["CHANNEL", "ALERT", "MUTED BY", "WHEN"], mutedRows(o.muted, nowMs)),
  ].join("\n");
}
