import type { GroupStatus, HistoryView, MemberView } from "./api.ts";
import type { GroupConfig } from "./config.ts";
import type { GroupRecord } from "./failover-store.ts";
import { type MemberHealth, UNKNOWN_HEALTH, usable } from "./member-health.ts";

/** A URL as the API shows it: without user name or password. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString();
}

/** The group as GET /api/v1/failover[/:group] shows it. */
export function groupStatusView(
  name: string,
  g: GroupConfig,
  row: GroupRecord,
  health: ReadonlyMap<string, MemberHealth>,
  history?: HistoryView[],
): GroupStatus {
  const members = g.members.map((m, i): MemberView => {
    const h = health.get(m.name) ?? UNKNOWN_HEALTH;
    return {
      name: m.name,
      host: m.host,
      kind: m.kind,
      url: m.url === undefined ? null : displayUrl(m.url),
      job: m.job ?? null,
      role: i === 0 ? "primary" : "fallback",
      status: h.status,
      failures: h.failures,
      successes: h.successes,
      healthySince: h.healthySince,
      lastCheckAt: h.lastCheckAt,
      detail: h.detail,
    };
  });
  return {
    group: name,
    active: row.active,
    activeHost: g.members.find((m) => m.name === row.active)?.host ?? "",
    epoch: row.epoch,
    since: row.since,
    reason: row.reason,
    available: usable(health.get(row.active) ?? UNKNOWN_HEALTH, {
      failAfter: g.check.failAfter,
      recoverAfter: g.check.recoverAfter,
      holdMs: g.check.hold,
    }),
    failback: g.failback,
    unreachable: g.unreachable,
    leaseMs: g.lease,
    proxy: g.proxy.enabled,
    pin: row.pin,
    members,
    ...(history === undefined ? {} : { history }),
  };
}
