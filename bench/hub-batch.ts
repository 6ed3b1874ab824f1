/**
 * The batch a simulated agent pushes in the hub benchmark: 100 series and 5 states of an AI box
 * (8 CPUs, 3 filesystems, 2 NICs, 2 GPUs, 2 ZFS pools with ARC, 3 containers), named from the
 * collectors' catalogs in shared/metrics/ and checked against them, so a renamed series fails here
 * rather than measuring names no agent sends.
 */
import { SERIES_BY_NAME, STATES_BY_NAME } from "../shared/metrics/index.ts";
import type { SampleBatchInput } from "../shared/protocol/sample-batch.ts";
import { PROTOCOL_VERSION } from "../shared/protocol/version.ts";

type Labels = Record<string, string>;
/** How a series moves: a gauge wanders around its base, a counter only grows, a constant stays. */
type Kind = { gauge: [base: number, spread: number] } | { counter: number } | { constant: number };
interface SeriesDef {
  name: string;
  labels: Labels;
  kind: Kind;
}

const GIB = 1024 ** 3;

function systemSeries(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const cpu of ["total", "0", "1", "2", "3", "4", "5", "6", "7"]) {
    out.push({ name: "vigil_cpu_usage_percent", labels: { cpu }, kind: { gauge: [35, 30] } });
  }
  out.push({ name: "vigil_load1", labels: {}, kind: { gauge: [2.5, 2] } });
  out.push({ name: "vigil_load5", labels: {}, kind: { gauge: [2.2, 1] } });
  out.push({ name: "vigil_load15", labels: {}, kind: { gauge: [2, 0.5] } });
  out.push({ name: "vigil_memory_total_bytes", labels: {}, kind: { constant: 128 * GIB } });
  out.push({ name: "vigil_memory_available_bytes", labels: {}, kind: { gauge: [70 * GIB, 8 * GIB] } });
  out.push({ name: "vigil_memory_used_percent", labels: {}, kind: { gauge: [45, 8] } });
  out.push({ name: "vigil_swap_total_bytes", labels: {}, kind: { constant: 8 * GIB } });
  out.push({ name: "vigil_swap_used_bytes", labels: {}, kind: { gauge: [0.2 * GIB, 0.1 * GIB] } });
  const mounts = [
    { mountpoint: "/", device: "/dev/nvme0n1p2", fstype: "ext4" },
    { mountpoint: "/boot/efi", device: "/dev/nvme0n1p1", fstype: "vfat" },
    { mountpoint: "/var/lib/docker", device: "/dev/nvme1n1p1", fstype: "xfs" },
  ];
  for (const m of mounts) {
    out.push({ name: "vigil_filesystem_size_bytes", labels: m, kind: { constant: 1800 * GIB } });
    out.push({ name: "vigil_filesystem_avail_bytes", labels: m, kind: { gauge: [900 * GIB, GIB] } });
    out.push({ name: "vigil_filesystem_used_percent", labels: m, kind: { gauge: [50, 1] } });
  }
  for (const device of ["enp5s0", "docker0"]) {
    out.push({ name: "vigil_network_receive_bytes_per_second", labels: { device }, kind: { gauge: [2e6, 2e6] } });
    out.push({ name: "vigil_network_transmit_bytes_per_second", labels: { device }, kind: { gauge: [1e6, 1e6] } });
  }
  out.push({ name: "vigil_uptime_seconds", labels: {}, kind: { counter: 10 } });
  for (const resource of ["cpu", "io", "memory"]) {
    out.push({ name: "vigil_pressure_some_avg10_percent", labels: { resource }, kind: { gauge: [2, 2] } });
  }
  for (const resource of ["io", "memory"]) {
    out.push({ name: "vigil_pressure_full_avg10_percent", labels: { resource }, kind: { gauge: [0.5, 0.5] } });
  }
  return out;
}

function gpuSeries(host: number): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const gpu of ["0", "1"]) {
    const g = {
      gpu,
      uuid: `GPU-${(host * 2 + Number(gpu)).toString(16).padStart(8, "0")}-5c1e-4f2a-9b1d-7e0a3c4d5e6f`,
      name: "NVIDIA GeForce RTX 4090",
    };
    const gauges: Array<[string, number, number]> = [
      ["vigil_gpu_temperature_celsius", 62, 8],
      ["vigil_gpu_memory_temperature_celsius", 70, 6],
      ["vigil_gpu_power_draw_watts", 280, 120],
      ["vigil_gpu_utilization_percent", 70, 30],
      ["vigil_gpu_memory_utilization_percent", 40, 20],
      ["vigil_gpu_memory_used_bytes", 18 * GIB, 4 * GIB],
      ["vigil_gpu_fan_speed_percent", 55, 15],
      ["vigil_gpu_performance_state", 2, 0],
      ["vigil_gpu_processes", 2, 0],
    ];
    for (const [name, base, spread] of gauges) out.push({ name, labels: g, kind: { gauge: [base, spread] } });
    out.push({ name: "vigil_gpu_power_limit_watts", labels: g, kind: { constant: 450 } });
    out.push({ name: "vigil_gpu_memory_total_bytes", labels: g, kind: { constant: 24 * GIB } });
    for (const clock of ["graphics", "sm", "memory"]) {
      out.push({ name: "vigil_gpu_clock_hertz", labels: { ...g, clock }, kind: { gauge: [2.2e9, 0.3e9] } });
    }
    out.push({ name: "vigil_gpu_ecc_errors_corrected_volatile_total", labels: g, kind: { constant: 0 } });
    out.push({ name: "vigil_gpu_ecc_errors_uncorrected_volatile_total", labels: g, kind: { constant: 0 } });
  }
  return out;
}

function zfsSeries(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const pool of ["nvme-fast", "tank"]) {
    const l = { pool };
    out.push({ name: "vigil_zfs_pool_size_bytes", labels: l, kind: { constant: 7.2e12 } });
    out.push({ name: "vigil_zfs_pool_allocated_bytes", labels: l, kind: { gauge: [4.1e12, 1e9] } });
    out.push({ name: "vigil_zfs_pool_free_bytes", labels: l, kind: { gauge: [3.1e12, 1e9] } });
    out.push({ name: "vigil_zfs_pool_capacity_percent", labels: l, kind: { gauge: [57, 0.5] } });
    out.push({ name: "vigil_zfs_pool_fragmentation_percent", labels: l, kind: { gauge: [12, 0.2] } });
    out.push({ name: "vigil_zfs_pool_dedup_ratio", labels: l, kind: { constant: 1 } });
    out.push({ name: "vigil_zfs_pool_data_errors", labels: l, kind: { constant: 0 } });
    out.push({ name: "vigil_zfs_pool_scan_errors", labels: l, kind: { constant: 0 } });
  }
  out.push({ name: "vigil_zfs_arc_size_bytes", labels: {}, kind: { gauge: [31 * GIB, GIB] } });
  out.push({ name: "vigil_zfs_arc_target_size_bytes", labels: {}, kind: { gauge: [32 * GIB, GIB] } });
  out.push({ name: "vigil_zfs_arc_hits_total", labels: {}, kind: { counter: 50_000 } });
  out.push({ name: "vigil_zfs_arc_misses_total", labels: {}, kind: { counter: 900 } });
  return out;
}

const CONTAINERS = ["ollama", "open-webui", "vllm-qwen"];

function containerSeries(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (const name of CONTAINERS) {
    const l = { runtime: "docker", name };
    out.push({ name: "vigil_container_restarts_total", labels: l, kind: { constant: 0 } });
    out.push({ name: "vigil_container_exit_code", labels: l, kind: { constant: 0 } });
    out.push({ name: "vigil_container_start_time_seconds", labels: l, kind: { constant: 1_790_000_000 } });
    out.push({ name: "vigil_container_oom_killed", labels: l, kind: { constant: 0 } });
  }
  return out;
}

/** A simulated host: the same series every push, values that move like real ones. */
export class SimulatedHost {
  readonly agentId: string;
  readonly bootId: string;
  readonly series: readonly SeriesDef[];
  readonly #counters: number[];
  sequence = 0;

  constructor(index: number) {
    this.agentId = `bench-${String(index).padStart(5, "0")}`;
    this.bootId = `b00710${String(index).padStart(5, "0")}-0000-4000-8000-000000000000`;
    this.series = [...systemSeries(), ...gpuSeries(index), ...zfsSeries(), ...containerSeries()];
    for (const s of this.series) {
      if (!SERIES_BY_NAME.has(s.name)) throw new Error(`bench: ${s.name} is not in the metric catalogs (shared/metrics/)`);
    }
    for (const n of ["vigil_zfs_pool_health", "vigil_container_state"]) {
      if (!STATES_BY_NAME.has(n)) throw new Error(`bench: state ${n} is not in the metric catalogs`);
    }
    this.#counters = this.series.map(() => Math.floor(Math.random() * 1e6));
  }

  /** The next batch envelope, sealed at `now`, its samples taken at `now`. */
  nextBatch(now: number, pushIntervalMs: number): { protocolVersion: number; kind: "sample_batch"; payload: SampleBatchInput } {
    this.sequence++;
    const samples = this.series.map((s, i) => ({ name: s.name, labels: s.labels, timestamp: now, value: this.#value(s.kind, i) }));
    const states = [
      ...["nvme-fast", "tank"].map((pool) => ({ name: "vigil_zfs_pool_health", labels: { pool }, timestamp: now, state: "ONLINE" })),
      ...CONTAINERS.map((name) => ({
        name: "vigil_container_state",
        labels: { runtime: "docker", name },
        timestamp: now,
        state: "running",
      })),
    ];
    return {
      protocolVersion: PROTOCOL_VERSION,
      kind: "sample_batch",
      payload: {
        host: {
          agentId: this.agentId,
          hostname: `${this.agentId}.lan`,
          labels: { site: "bench" },
          agentVersion: "0.1.0",
          bootId: this.bootId,
        },
        sequence: this.sequence,
        sealedAt: now,
        pushIntervalMs,
        samples,
        states,
      },
    };
  }

  #value(kind: Kind, i: number): number {
    if ("constant" in kind) return kind.constant;
    if ("counter" in kind) {
      this.#counters[i] = (this.#counters[i] ?? 0) + Math.floor(Math.random() * kind.counter);
      return this.#counters[i] as number;
    }
    const [base, spread] = kind.gauge;
    return Math.round((base + (Math.random() - 0.5) * spread) * 100) / 100;
  }
}
