import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { GPU_CATALOG, GPU_CLOCKS, GPU_THROTTLE_REASONS } from "../../../shared/metrics/gpu.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { ComputeApp } from "./parse-compute-apps.ts";
import type { GpuReading } from "./parse-query-gpu.ts";
import type { XmlGpu } from "./parse-smi-xml.ts";
import { MHZ } from "./smi-values.ts";

const M = seriesNames(GPU_CATALOG);
const S = GPU_CATALOG.states;

/** The hub refuses longer label values; process paths are the only ones that could reach it. */
const MAX_LABEL = 1024;

/** Builds one cycle's samples and states, all stamped with the cycle's time. */
export class GpuSampleBuilder {
  readonly samples: NumericSample[] = [];
  readonly states: StateRecord[] = [];
  readonly #timestamp: number;

  constructor(timestamp: number) {
    this.#timestamp = timestamp;
  }

  /** Adds a sample; a missing or non-finite value adds nothing (never a stand-in 0). */
  add(name: string, value: number | undefined, labels: Record<string, string>): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.samples.push({ name, labels, timestamp: this.#timestamp, value });
  }

  /** Adds a state; a missing value adds nothing. */
  state(name: string, state: string | undefined, labels: Record<string, string>): void {
    if (state === undefined || state === "") return;
    this.states.push({ name, labels, timestamp: this.#timestamp, state: state.slice(0, 64) });
  }

  /** Everything `--query-gpu` read for one GPU, plus the host's CUDA version when known. */
  gpu(gpu: GpuReading, cudaVersion: string | undefined): void {
    const labels = gpuLabels(gpu);
    this.add(M.temperatureCelsius, gpu.temperatureCelsius, labels);
    this.add(M.memoryTemperatureCelsius, gpu.memoryTemperatureCelsius, labels);
    this.add(M.powerDrawWatts, gpu.powerDrawWatts, labels);
    this.add(M.powerLimitWatts, gpu.powerLimitWatts, labels);
    this.add(M.utilizationPercent, gpu.utilizationPercent, labels);
    this.add(M.memoryUtilizationPercent, gpu.memoryUtilizationPercent, labels);
    this.add(M.memoryTotalBytes, gpu.memoryTotalBytes, labels);
    this.add(M.memoryUsedBytes, gpu.memoryUsedBytes, labels);
    this.add(M.fanSpeedPercent, gpu.fanSpeedPercent, labels);
    for (const clock of GPU_CLOCKS) {
      this.add(M.clockHertz, toHertz(gpu.clocksMhz[clock]), { ...labels, clock });
      if (clock !== "video") this.add(M.clockMaxHertz, toHertz(gpu.maxClocksMhz[clock]), { ...labels, clock });
    }
    this.add(M.performanceState, gpu.performanceState, labels);
    for (const [reason, active] of throttleReasons(gpu.throttleSupported, gpu.throttleActive)) {
      this.add(M.throttleReasonActive, active ? 1 : 0, { ...labels, reason });
    }
    this.add(M.eccErrorsCorrectedVolatileTotal, gpu.eccErrors.correctedVolatile, labels);
    this.add(M.eccErrorsUncorrectedVolatileTotal, gpu.eccErrors.uncorrectedVolatile, labels);
    this.add(M.eccErrorsCorrectedAggregateTotal, gpu.eccErrors.correctedAggregate, labels);
    this.add(M.eccErrorsUncorrectedAggregateTotal, gpu.eccErrors.uncorrectedAggregate, labels);
    this.state(S.driverVersion.name, gpu.driverVersion, labels);
    this.state(S.cudaVersion.name, cudaVersion, labels);
    this.state(S.migMode.name, gpu.migMode, labels);
    this.state(S.eccMode.name, gpu.eccMode, labels);
    this.state(S.persistenceMode.name, gpu.persistenceMode, labels);
  }

  /**
   * The compute processes of the GPUs in `gpus`, matched by UUID, and each GPU's count (0 when it
   * runs none: `--query-compute-apps` lists every GPU's processes, so an absent GPU truly has none).
   * A process on a GPU the query did not list (gone between the two calls) is left out.
   */
  processes(gpus: readonly GpuReading[], apps: readonly ComputeApp[]): void {
    for (const gpu of gpus) {
      const mine = apps.filter((app) => gpu.uuid !== undefined && app.gpuUuid === gpu.uuid);
      this.add(M.processes, mine.length, gpuLabels(gpu));
      for (const app of mine) {
        const labels = { gpu: gpu.index, uuid: app.gpuUuid, pid: app.pid, process: app.processName.slice(0, MAX_LABEL) };
        this.add(M.processUsedMemoryBytes, app.usedMemoryBytes, labels);
      }
    }
  }

  /** The MIG devices `-q -x` lists, under the GPU of the same UUID; a device of an unknown GPU is left out. */
  mig(gpus: readonly GpuReading[], xmlGpus: readonly XmlGpu[]): void {
    for (const xmlGpu of xmlGpus) {
      const gpu = gpus.find((g) => g.uuid !== undefined && g.uuid === xmlGpu.uuid);
      if (gpu === undefined) continue;
      for (const device of xmlGpu.migDevices) {
        const labels = {
          ...gpuLabels(gpu),
          mig: device.index,
          gpu_instance: device.gpuInstanceId ?? "",
          compute_instance: device.computeInstanceId ?? "",
        };
        this.add(M.migMemoryTotalBytes, device.memoryTotalBytes, labels);
        this.add(M.migMemoryUsedBytes, device.memoryUsedBytes, labels);
        // Processes name their instance by these ids; without them the count is unknown, not 0.
        if (device.gpuInstanceId === undefined || device.computeInstanceId === undefined) continue;
        const inside = xmlGpu.processes.filter(
          (p) => p.gpuInstanceId === device.gpuInstanceId && p.computeInstanceId === device.computeInstanceId,
        );
        this.add(M.migProcesses, inside.length, labels);
      }
    }
  }
}

function gpuLabels(gpu: GpuReading): Record<string, string> {
  return { gpu: gpu.index, uuid: gpu.uuid ?? "", name: gpu.name ?? "" };
}

function toHertz(mhz: number | undefined): number | undefined {
  return mhz === undefined ? undefined : mhz * MHZ;
}

/**
 * Each reason the GPU supports, with whether it is active now. Without the supported mask (older
 * drivers) every known reason counts as supported; without the active mask nothing is known.
 */
export function throttleReasons(supported: bigint | undefined, active: bigint | undefined): Array<[string, boolean]> {
  if (active === undefined) return [];
  return GPU_THROTTLE_REASONS.flatMap((reason, bit): Array<[string, boolean]> => {
    const mask = 1n << BigInt(bit);
    if (supported !== undefined && (supported & mask) === 0n) return [];
    return [[reason, (active & mask) !== 0n]];
  });
}
