import type { HostView, ViewEntity } from "../../shared/api/views.ts";
import type { CONTAINERS_CATALOG } from "../../shared/metrics/containers.ts";
import type { GPU_CATALOG } from "../../shared/metrics/gpu.ts";
import type { PROBES_CATALOG } from "../../shared/metrics/probes.ts";
import type { UNITS_CATALOG } from "../../shared/metrics/units.ts";
import type { ZFS_CATALOG } from "../../shared/metrics/zfs.ts";
import { formatDuration, formatTable } from "./format.ts";

/**
 * `vigil host <id>` tables, one per typed view. Columns read entity values by catalog key, typed
 * against the catalog, so a renamed series is a compile error here. A value the agent did not
 * report prints as "-", never as 0.
 */

type Catalog = { series: Record<string, unknown>; states: Record<string, unknown> };
type Column<C extends Catalog> = readonly [header: string, cell: (e: ViewEntity, v: Values<C>) => string];

interface Values<C extends Catalog> {
  num(key: keyof C["series"] & string): number | undefined;
  state(key: keyof C["states"] & string): string | undefined;
}

const DASH = "-";

function values<C extends Catalog>(e: ViewEntity): Values<C> {
  return { num: (key) => e.values[key]?.value, state: (key) => e.states[key]?.state };
}

function table<C extends Catalog>(columns: ReadonlyArray<Column<C>>) {
  return (view: HostView) =>
    formatTable(
      columns.map(([h]) => h),
      view.entities.map((e) => columns.map(([, cell]) => cell(e, values<C>(e)))),
    );
}

/** 20 GiB, 512 MiB, 1.5 TiB: binary units, at most one decimal. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return DASH;
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${units[i]}`;
}

function unit(value: number | undefined, suffix: string, digits = 0): string {
  return value === undefined ? DASH : `${Number(value.toFixed(digits))}${suffix}`;
}

function pair(a: string, b: string): string {
  return a === DASH && b === DASH ? DASH : `${a} / ${b}`;
}

function seconds(value: number | undefined): string {
  if (value === undefined) return DASH;
  return value < 1 ? `${Math.round(value * 1000)}ms` : formatDuration(Math.round(value) * 1000);
}

function yesNo(value: number | undefined): string {
  return value === undefined ? DASH : value === 1 ? "yes" : "no";
}

const gpus = table<typeof GPU_CATALOG>([
  ["GPU", (e) => e.id],
  ["NAME", (e) => e.labels.name ?? DASH],
  ["TEMP", (_, v) => unit(v.num("temperatureCelsius"), "°C")],
  ["UTIL", (_, v) => unit(v.num("utilizationPercent"), "%")],
  ["MEMORY", (_, v) => pair(formatBytes(v.num("memoryUsedBytes")), formatBytes(v.num("memoryTotalBytes")))],
  ["POWER", (_, v) => pair(unit(v.num("powerDrawWatts"), " W"), unit(v.num("powerLimitWatts"), " W"))],
  ["FAN", (_, v) => unit(v.num("fanSpeedPercent"), "%")],
  ["PROCESSES", (_, v) => unit(v.num("processes"), "")],
]);

const pools = table<typeof ZFS_CATALOG>([
  ["POOL", (e) => e.id],
  ["HEALTH", (_, v) => v.state("poolHealth") ?? DASH],
  ["SIZE", (_, v) => formatBytes(v.num("poolSizeBytes"))],
  ["ALLOC", (_, v) => formatBytes(v.num("poolAllocatedBytes"))],
  ["CAP", (_, v) => unit(v.num("poolCapacityPercent"), "%")],
  ["FRAG", (_, v) => unit(v.num("poolFragmentationPercent"), "%")],
  ["SCAN", (_, v) => v.state("poolScanState") ?? DASH],
  ["DATA ERRORS", (_, v) => unit(v.num("poolDataErrors"), "")],
]);

const containers = table<typeof CONTAINERS_CATALOG>([
  ["NAME", (e) => e.id],
  ["RUNTIME", (e) => e.labels.runtime ?? DASH],
  ["STATE", (_, v) => v.state("state") ?? DASH],
  ["HEALTH", (_, v) => v.state("health") ?? DASH],
  ["RESTARTS", (_, v) => unit(v.num("restartsTotal"), "")],
  ["IMAGE", (e) => e.labels.image ?? DASH],
]);

const units = table<typeof UNITS_CATALOG>([
  ["UNIT", (e) => e.id],
  ["ACTIVE", (_, v) => v.state("activeState") ?? DASH],
  ["SUB", (_, v) => v.state("subState") ?? DASH],
  ["RESULT", (_, v) => v.state("result") ?? DASH],
  ["RESTARTS", (_, v) => unit(v.num("restartsTotal"), "")],
]);

const probes = table<typeof PROBES_CATALOG>([
  ["PROBE", (e) => e.id],
  ["KIND", (e) => e.labels.kind ?? DASH],
  ["UP", (_, v) => yesNo(v.num("up"))],
  ["STATUS", (_, v) => v.state("status") ?? DASH],
  ["TOOK", (_, v) => seconds(v.num("durationSeconds"))],
  ["MESSAGE", (_, v) => v.state("message") ?? DASH],
]);

/** Any other view: the entity id, its states, then its values, raw. */
function generic(view: HostView): string {
  const stateKeys = [...new Set(view.entities.flatMap((e) => Object.keys(e.states)))].sort();
  const valueKeys = [...new Set(view.entities.flatMap((e) => Object.keys(e.values)))].sort();
  return formatTable(
    [view.entityLabel.toUpperCase(), ...stateKeys, ...valueKeys],
    view.entities.map((e) => [
      e.id,
      ...stateKeys.map((k) => e.states[k]?.state ?? DASH),
      ...valueKeys.map((k) => (e.values[k] === undefined ? DASH : String(e.values[k].value))),
    ]),
  );
}

const TABLES: Record<string, (view: HostView) => string> = { gpus, pools, containers, units, probes };

/** A view as a titled table; views without entities are left out (undefined). */
export function formatViewTable(title: string, view: HostView): string | undefined {
  if (view.entities.length === 0) return undefined;
  return `${title} (${view.entities.length}):\n${(TABLES[view.view] ?? generic)(view)}`;
}
