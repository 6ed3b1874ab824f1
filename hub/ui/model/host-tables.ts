import type { ViewEntity } from "../../../shared/api/views.ts";
import type { CONTAINERS_CATALOG } from "../../../shared/metrics/containers.ts";
import type { GPU_CATALOG } from "../../../shared/metrics/gpu.ts";
import type { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import type { UNITS_CATALOG } from "../../../shared/metrics/units.ts";
import type { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";
import { formatAge, formatBytes, formatCelsius, formatNumber, formatPercent, formatWatts, MISSING } from "./format.ts";
import { type Tone, toneOf } from "./tone.ts";

/** A table cell: text, drawn as a coloured badge when it has a tone. */
export interface Cell {
  text: string;
  tone?: Tone;
}

/** What the page draws as a table. `numeric` columns are right-aligned. */
export interface TableModel {
  headers: string[];
  numeric: number[];
  rows: Cell[][];
  /** Shown in place of rows when there are none. */
  empty: string;
}

type Keys<C extends { series: object; states: object }> = keyof C["series"] | keyof C["states"];

/** Reads an entity by catalog key: the key is checked against the catalog at compile time. */
function reader<C extends { series: object; states: object }>(e: ViewEntity) {
  return {
    value: (key: Keys<C> & string): number | undefined => e.values[key]?.value,
    state: (key: Keys<C> & string): string | undefined => e.states[key]?.state,
  };
}

const text = (t: string): Cell => ({ text: t });
const state = (s: string | undefined): Cell => ({ text: s ?? MISSING, tone: toneOf(s) });

export function gpuTable(gpus: readonly ViewEntity[]): TableModel {
  return {
    headers: ["GPU", "Model", "Temperature", "Utilization", "Memory", "Power", "Processes"],
    numeric: [2, 3, 6],
    empty: "No GPU reported (no nvidia-smi on this host, or the collector is off).",
    rows: gpus.map((g) => {
      const { value } = reader<typeof GPU_CATALOG>(g);
      const used = value("memoryUsedBytes");
      const power = value("powerDrawWatts");
      return [
        text(g.id),
        text(g.labels.name ?? MISSING),
        text(formatCelsius(value("temperatureCelsius"))),
        text(formatPercent(value("utilizationPercent"))),
        text(used === undefined ? MISSING : `${formatBytes(used)} of ${formatBytes(value("memoryTotalBytes"))}`),
        text(power === undefined ? MISSING : `${formatWatts(power)} of ${formatWatts(value("powerLimitWatts"))}`),
        text(formatNumber(value("processes"))),
      ];
    }),
  };
}

/** A pool's headline: health, the scan and one line of figures. */
export function poolSummary(pool: ViewEntity): { health: Cell; scan: Cell | undefined; facts: string } {
  const { value, state: st } = reader<typeof ZFS_CATALOG>(pool);
  const scan = st("poolScanState");
  const progress = value("poolScanProgressPercent");
  const scanText =
    scan === undefined
      ? undefined
      : `${scan.replaceAll("_", " ")}${progress !== undefined && scan.endsWith("in_progress") ? ` ${formatPercent(progress, 1)}` : ""}`;
  return {
    health: state(st("poolHealth")),
    scan: scanText === undefined ? undefined : { text: scanText, tone: toneOf(scan) },
    facts: [
      `capacity ${formatPercent(value("poolCapacityPercent"))}`,
      `${formatBytes(value("poolAllocatedBytes"))} of ${formatBytes(value("poolSizeBytes"))}`,
      `fragmentation ${formatPercent(value("poolFragmentationPercent"))}`,
      `data errors ${formatNumber(value("poolDataErrors"))}`,
      `last scan repaired ${formatBytes(value("poolScanRepairedBytes"))} with ${formatNumber(value("poolScanErrors"))} errors`,
    ].join(" · "),
  };
}

/** Unhealthy first, then restarting, stopped, running; by name within each. */
export function containerTable(containers: readonly ViewEntity[], now: number): TableModel {
  const rank = (c: ViewEntity) => {
    const { state: st } = reader<typeof CONTAINERS_CATALOG>(c);
    if (st("health") === "unhealthy") return 0;
    if (st("state") === "restarting") return 1;
    return st("state") === "running" ? 3 : 2;
  };
  return {
    headers: ["Container", "Runtime", "Image", "State", "Health", "Restarts", "Started"],
    numeric: [5],
    empty: "No container reported.",
    rows: [...containers]
      .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
      .map((c) => {
        const { value, state: st } = reader<typeof CONTAINERS_CATALOG>(c);
        const health = st("health");
        const started = value("startTimeSeconds");
        return [
          text(c.id),
          text(c.labels.runtime ?? ""),
          text(c.labels.image ?? ""),
          state(st("state")),
          health === undefined || health === "none" ? text("no healthcheck") : state(health),
          text(formatNumber(value("restartsTotal"))),
          text(started === undefined ? MISSING : formatAge(started * 1000, now)),
        ];
      }),
  };
}

/** Failed first, then anything not active, then active units; by name within each. */
export function unitTable(units: readonly ViewEntity[]): TableModel {
  const rank = (u: ViewEntity) => {
    const active = reader<typeof UNITS_CATALOG>(u).state("activeState");
    return active === "failed" ? 0 : active === "active" ? 2 : 1;
  };
  return {
    headers: ["Unit", "Active", "Sub", "Enabled", "Result", "Restarts", "Exit status"],
    numeric: [5, 6],
    empty: "No systemd unit reported.",
    rows: [...units]
      .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
      .map((u) => {
        const { value, state: st } = reader<typeof UNITS_CATALOG>(u);
        return [
          text(u.id),
          state(st("activeState")),
          text(st("subState") ?? MISSING),
          text(st("unitFileState") ?? MISSING),
          text(st("result") ?? MISSING),
          text(formatNumber(value("restartsTotal"))),
          text(formatNumber(value("execMainStatus"))),
        ];
      }),
  };
}

export function probeTable(probes: readonly ViewEntity[], now: number): TableModel {
  return {
    headers: ["Probe", "Kind", "Status", "Duration", "Message", "Checked"],
    numeric: [3],
    empty: "No probe configured on this host.",
    rows: probes.map((p) => {
      const { value, state: st } = reader<typeof PROBES_CATALOG>(p);
      const duration = value("durationSeconds");
      return [
        text(p.id),
        text(p.labels.kind ?? ""),
        state(st("status")),
        text(duration === undefined ? MISSING : `${formatNumber(duration * 1000)} ms`),
        text(st("message") ?? ""),
        text(formatAge(p.updatedAt, now)),
      ];
    }),
  };
}
