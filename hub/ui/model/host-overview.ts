import type { HostSummary } from "../../../shared/api/hosts.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { AlertView } from "../../rules/alerts-api.ts";
import {
  CONTAINER_HEALTH,
  CONTAINER_STATE,
  CPU_USAGE,
  FILESYSTEM_USED,
  GPU_MEMORY_TOTAL,
  GPU_MEMORY_USED,
  GPU_TEMPERATURE,
  GPU_UTILIZATION,
  MEMORY_USED,
  POOL_CAPACITY,
  POOL_HEALTH,
  UNIT_ACTIVE_STATE,
} from "./metric-names.ts";

/** One GPU on the overview: what is missing stays undefined (shown N/A), never 0. */
export interface GpuCell {
  id: string;
  name: string | undefined;
  temperature: number | undefined;
  utilization: number | undefined;
  memoryPercent: number | undefined;
}

export interface PoolCell {
  name: string;
  health: string | undefined;
  capacity: number | undefined;
}

/** One row of the overview: a host and what is worth a glance. */
export interface HostRow {
  id: string;
  hostname: string;
  status: "up" | "down";
  lastSeen: number;
  /** A host labelled demo=true runs on the fixture-backed fakes of `npm run demo`. */
  demo: boolean;
  cpuPercent: number | undefined;
  memoryPercent: number | undefined;
  /** The fullest filesystem. */
  disk: { mountpoint: string; percent: number } | undefined;
  gpus: GpuCell[];
  pools: PoolCell[];
  /** Containers by what needs a look: unhealthy, restarting or exited ones, and the rest. */
  containers: { total: number; unhealthy: number; restarting: number; stopped: number; running: number };
  units: { total: number; failed: number; active: number };
  alerts: { critical: number; warning: number; info: number };
  /** Sentences for what is wrong, worst first ("pool sata-bulk is DEGRADED"). */
  problems: string[];
  /** Higher is worse; the overview sorts by it. */
  badness: number;
}

const STOPPED = new Set(["exited", "dead", "created", "paused"]);

/** Summarises one host from its newest samples and states and the alerts firing on it (pure). */
export function summarizeHost(
  host: HostSummary,
  samples: readonly NumericSample[],
  states: readonly StateRecord[],
  firing: readonly AlertView[],
): HostRow {
  const value = (name: string, match: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))?.value;

  let disk: HostRow["disk"];
  for (const s of samples) {
    if (s.name !== FILESYSTEM_USED) continue;
    if (disk === undefined || s.value > disk.percent) disk = { mountpoint: s.labels.mountpoint ?? "?", percent: s.value };
  }

  const gpuIds = [
    ...new Set(samples.filter((s) => s.name.startsWith("vigil_gpu_") && s.labels.gpu !== undefined).map((s) => s.labels.gpu as string)),
  ];
  const gpus = gpuIds.sort(byNumber).map((id): GpuCell => {
    const used = value(GPU_MEMORY_USED, { gpu: id });
    const total = value(GPU_MEMORY_TOTAL, { gpu: id });
    return {
      id,
      name: samples.find((s) => s.labels.gpu === id && s.labels.name !== undefined)?.labels.name,
      temperature: value(GPU_TEMPERATURE, { gpu: id }),
      utilization: value(GPU_UTILIZATION, { gpu: id }),
      memoryPercent: used !== undefined && total !== undefined && total > 0 ? (used / total) * 100 : undefined,
    };
  });

  const poolNames = new Set<string>();
  for (const r of [...samples, ...states])
    if ((r.name === POOL_CAPACITY || r.name === POOL_HEALTH) && r.labels.pool) poolNames.add(r.labels.pool);
  const pools = [...poolNames].sort().map((name): PoolCell => ({
    name,
    health: states.find((s) => s.name === POOL_HEALTH && s.labels.pool === name)?.state,
    capacity: value(POOL_CAPACITY, { pool: name }),
  }));

  const containers = { total: 0, unhealthy: 0, restarting: 0, stopped: 0, running: 0 };
  for (const s of states) {
    if (s.name !== CONTAINER_STATE) continue;
    containers.total++;
    const health = states.find(
      (h) => h.name === CONTAINER_HEALTH && h.labels.runtime === s.labels.runtime && h.labels.name === s.labels.name,
    );
    if (health?.state === "unhealthy") containers.unhealthy++;
    else if (s.state === "restarting") containers.restarting++;
    else if (STOPPED.has(s.state)) containers.stopped++;
    else containers.running++;
  }

  const units = { total: 0, failed: 0, active: 0 };
  for (const s of states) {
    if (s.name !== UNIT_ACTIVE_STATE) continue;
    units.total++;
    if (s.state === "failed") units.failed++;
    if (s.state === "active") units.active++;
  }

  const alerts = { critical: 0, warning: 0, info: 0 };
  for (const a of firing) if (a.state === "firing" && a.severity) alerts[a.severity]++;

  const problems: string[] = [];
  if (host.status === "down") problems.push("not reporting");
  for (const p of pools) if (p.health !== undefined && p.health !== "ONLINE") problems.push(`pool ${p.name} is ${p.health}`);
  if (units.failed > 0) problems.push(`${units.failed} ${units.failed === 1 ? "unit" : "units"} failed`);
  if (containers.unhealthy > 0)
    problems.push(`${containers.unhealthy} unhealthy ${containers.unhealthy === 1 ? "container" : "containers"}`);
  if (containers.restarting > 0)
    problems.push(`${containers.restarting} restarting ${containers.restarting === 1 ? "container" : "containers"}`);

  const badness =
    (host.status === "down" ? 10_000 : 0) +
    alerts.critical * 1000 +
    alerts.warning * 100 +
    (problems.length - (host.status === "down" ? 1 : 0)) * 10 +
    alerts.info;
  return {
    id: host.id,
    hostname: host.hostname,
    status: host.status,
    lastSeen: host.lastSeen,
    demo: host.labels.demo === "true",
    cpuPercent: value(CPU_USAGE, { cpu: "total" }),
    memoryPercent: value(MEMORY_USED),
    disk,
    gpus,
    pools,
    containers,
    units,
    alerts,
    problems,
    badness,
  };
}

/** Worst first: down hosts, then by firing alerts and problems; ties by id, so rows do not jump between refreshes. */
export function worstFirst(rows: readonly HostRow[]): HostRow[] {
  return [...rows].sort((a, b) => b.badness - a.badness || a.id.localeCompare(b.id));
}

function byNumber(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}
