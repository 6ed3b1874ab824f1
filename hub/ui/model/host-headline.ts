import type { HostLatest } from "../../../shared/api/hosts.ts";
import { formatAge, formatBytes, formatDuration, formatNumber, formatPercent } from "./format.ts";
import { CPU_USAGE, LOAD1, MEMORY_USED, SWAP_USED, UPTIME } from "./metric-names.ts";

/** The top of a host page: one line of facts and the few figures that matter most. */
export interface HostHeadline {
  facts: string;
  stats: Array<{ label: string; text: string }>;
}

export function hostHeadline(latest: HostLatest, now: number): HostHeadline {
  const value = (name: string, labels: Record<string, string> = {}) =>
    latest.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  const h = latest.host;
  const uptime = value(UPTIME);
  return {
    facts: [
      `last seen ${formatAge(h.lastSeen, now)}`,
      `agent ${h.agentVersion}`,
      `${h.mode ?? "push"} every ${formatDuration(h.pushIntervalMs)}`,
      `up ${formatDuration(uptime === undefined ? undefined : uptime * 1000)}`,
      `load ${formatNumber(value(LOAD1), 2)}`,
    ].join(" · "),
    stats: [
      { label: "CPU", text: formatPercent(value(CPU_USAGE, { cpu: "total" })) },
      { label: "Memory", text: formatPercent(value(MEMORY_USED)) },
      { label: "Swap used", text: formatBytes(value(SWAP_USED)) },
    ],
  };
}
