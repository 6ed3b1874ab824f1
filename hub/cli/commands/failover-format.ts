import type { GroupStatus, HistoryView } from "../../failover/api.ts";
import { formatAge, formatTable, printable } from "../format.ts";

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function pinText(g: GroupStatus, nowMs: number): string {
  if (g.pin === null) return "-";
  return `${g.pin.member} until ${iso(g.pin.until)} (${formatAge(nowMs - g.pin.until)})`;
}

/** `vigil failover`: one line per group. */
export function formatGroupsTable(groups: readonly GroupStatus[], nowMs: number): string {
  if (groups.length === 0) return "No failover groups: the hub's config has no failover.groups.";
  const rows = groups.map((g) => [
    g.group,
    g.active,
    g.activeHost,
    String(g.epoch),
    formatAge(nowMs - g.since),
    g.available ? "available" : "NO HEALTHY MEMBER",
    g.pin === null ? "-" : g.pin.member,
  ]);
  return formatTable(["GROUP", "ACTIVE", "HOST", "EPOCH", "SINCE", "STATE", "PIN"], rows);
}

/** `vigil failover <group>`: the active member and why, the members' health, the newest switches. */
export function formatGroupDetail(g: GroupStatus, nowMs: number): string {
  const head = [
    `Group:     ${printable(g.group)}${g.proxy ? ` (proxy: /proxy/${printable(g.group)}/)` : ""}`,
    `Active:    ${printable(g.active)} on ${printable(g.activeHost)}, epoch ${g.epoch}, since ${iso(g.since)} (${formatAge(nowMs - g.since)})`,
    `Reason:    ${printable(g.reason)}`,
    `State:     ${g.available ? "available" : "NO HEALTHY MEMBER"}`,
    `Pin:       ${printable(pinText(g, nowMs))}`,
    `Policy:    failback ${g.failback}, hub unreachable: ${g.unreachable}, lease ${Math.round(g.leaseMs / 1000)}s`,
  ].join("\n");
  const members = formatTable(
    ["MEMBER", "HOST", "KIND", "ROLE", "STATUS", "CHECKS", "LAST CHECK", "DETAIL"],
    g.members.map((m) => [
      m.name === g.active ? `${m.name} *` : m.name,
      m.host,
      m.kind,
      m.role,
      m.status,
      m.failures > 0 ? `${m.failures} failed` : `${m.successes} passed`,
      m.lastCheckAt === null ? "never" : formatAge(nowMs - m.lastCheckAt),
      m.detail ?? "-",
    ]),
  );
  const history = g.history === undefined ? "" : `\n\nHistory (newest first):\n${formatSwitches(g.history)}`;
  return `${head}\n\n${members}${history}`;
}

export function formatSwitches(history: readonly HistoryView[]): string {
  if (history.length === 0) return "No switches.";
  return formatTable(
    ["EPOCH", "AT", "FROM", "TO", "CAUSE", "REASON"],
    history.map((h) => [String(h.epoch), iso(h.at), h.from ?? "-", h.to, h.cause, h.reason]),
  );
}
