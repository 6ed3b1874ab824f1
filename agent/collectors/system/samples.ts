import type { NumericSample } from "../../../shared/protocol/samples.ts";
import { perSecondRate } from "./counter-rate.ts";
import { cpuUsagePercent } from "./cpu-usage.ts";
import type { FilesystemUsage } from "./filesystems.ts";
import type { MemoryReadings } from "./memory.ts";
import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { SYSTEM_CATALOG } from "../../../shared/metrics/system.ts";

const M = seriesNames(SYSTEM_CATALOG);
import type { LoadAverage } from "./parse-loadavg.ts";
import type { MountEntry } from "./parse-mounts.ts";
import type { InterfaceCounters } from "./parse-net-dev.ts";
import type { Pressure } from "./parse-pressure.ts";
import type { CpuTimes } from "./parse-stat.ts";
import type { Uptime } from "./parse-uptime.ts";

/** Interface counters and when they were read (a monotonic clock, milliseconds). */
export interface NetworkReading {
  atMs: number;
  interfaces: ReadonlyMap<string, InterfaceCounters>;
}

/** The loopback interface: traffic that never leaves the box, not reported. */
const LOOPBACK = "lo";

/** Builds the samples of one cycle, all stamped with the cycle's time. */
export class SampleBuilder {
  readonly samples: NumericSample[] = [];
  readonly #timestamp: number;

  constructor(timestamp: number) {
    this.#timestamp = timestamp;
  }

  /** Adds a sample; a missing or non-finite value adds nothing (never a stand-in 0). */
  add(name: string, value: number | undefined, labels: Record<string, string> = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.samples.push({ name, labels, timestamp: this.#timestamp, value });
  }

  /** Usage percent of each CPU seen in both readings; a CPU new in `current` has no sample yet. */
  cpu(previous: ReadonlyMap<string, CpuTimes>, current: readonly CpuTimes[]): void {
    for (const times of current) {
      const before = previous.get(times.cpu);
      if (before !== undefined) this.add(M.cpuUsagePercent, cpuUsagePercent(before, times), { cpu: times.cpu });
    }
  }

  load(load: LoadAverage | undefined): void {
    this.add(M.load1, load?.load1);
    this.add(M.load5, load?.load5);
    this.add(M.load15, load?.load15);
  }

  memory(memory: MemoryReadings): void {
    this.add(M.memoryTotalBytes, memory.totalBytes);
    this.add(M.memoryAvailableBytes, memory.availableBytes);
    this.add(M.memoryUsedPercent, memory.usedPercent);
    this.add(M.swapTotalBytes, memory.swapTotalBytes);
    this.add(M.swapUsedBytes, memory.swapUsedBytes);
  }

  filesystem(mount: MountEntry, usage: FilesystemUsage): void {
    const labels = { mountpoint: mount.mountPoint, device: mount.device, fstype: mount.fsType };
    this.add(M.filesystemSizeBytes, usage.sizeBytes, labels);
    this.add(M.filesystemAvailBytes, usage.availBytes, labels);
    this.add(M.filesystemUsedPercent, usage.usedPercent, labels);
  }

  /** Byte rates of each interface (but loopback) seen in both readings. */
  network(previous: NetworkReading, current: NetworkReading): void {
    const elapsedMs = current.atMs - previous.atMs;
    for (const [device, now] of current.interfaces) {
      const before = previous.interfaces.get(device);
      if (device === LOOPBACK || before === undefined) continue;
      this.add(M.networkReceiveBytesPerSecond, perSecondRate(before.receiveBytes, now.receiveBytes, elapsedMs), { device });
      this.add(M.networkTransmitBytesPerSecond, perSecondRate(before.transmitBytes, now.transmitBytes, elapsedMs), { device });
    }
  }

  uptime(uptime: Uptime | undefined): void {
    this.add(M.uptimeSeconds, uptime?.uptimeSeconds);
  }

  pressure(resource: string, pressure: Pressure): void {
    this.add(M.pressureSomeAvg10Percent, pressure.some?.avg10, { resource });
    this.add(M.pressureFullAvg10Percent, pressure.full?.avg10, { resource });
  }
}
