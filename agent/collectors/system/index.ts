import type { CollectContext, CollectOutcome, Collector } from "../collector.ts";
import { type FilesystemExclusions, filesystemUsage, selectMounts } from "./filesystems.ts";
import { memoryReadings } from "./memory.ts";
import { parseLoadavg } from "./parse-loadavg.ts";
import { parseMeminfo } from "./parse-meminfo.ts";
import { type MountEntry, parseMounts } from "./parse-mounts.ts";
import { parseNetDev } from "./parse-net-dev.ts";
import { type Pressure, parsePressure } from "./parse-pressure.ts";
import { type CpuTimes, parseStat } from "./parse-stat.ts";
import { parseUptime } from "./parse-uptime.ts";
import { createProcSource, type SystemSource } from "./read.ts";
import { type NetworkReading, SampleBuilder } from "./samples.ts";

/** The PSI resources reported; irq pressure is left out (it has only `full`, and few kernels have it). */
const PRESSURE_RESOURCES = ["cpu", "memory", "io"] as const;

/** The `collectors.system` exclusions, plus seams for tests. */
export interface SystemCollectorOptions extends FilesystemExclusions {
  /** Where /proc and statfs are read; default the real ones. */
  source?: SystemSource;
  /**
   * A monotonic clock in milliseconds, read right after /proc/net/dev, for the byte rates' elapsed
   * time; default `performance.now`. Not `ctx.now`: a wall clock stepped by NTP would skew the rates.
   */
  monotonicMs?: () => number;
}

/**
 * The host's CPU, load, memory, swap, filesystems, network, uptime and pressure (PSI), read from
 * /proc and statfs(2). CPU usage and network rates need two readings: the collector keeps the last
 * counters, so its first cycle has no such samples, and a counter that went backwards gives none.
 * Unavailable when there is no /proc/stat (not Linux, or procfs not mounted).
 */
export function createSystemCollector(options: SystemCollectorOptions): Collector {
  const source = options.source ?? createProcSource();
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  let previousCpu: ReadonlyMap<string, CpuTimes> = new Map();
  let previousNetwork: NetworkReading | undefined;

  return {
    name: "system",
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      const read = (file: string) => source.readProcFile(file, ctx.signal);
      const [statText, meminfoText, loadavgText, uptimeText, mountsText, netDev, ...pressureTexts] = await Promise.all([
        read("stat"),
        read("meminfo"),
        read("loadavg"),
        read("uptime"),
        read("mounts"),
        read("net/dev").then((text) => ({ text, atMs: monotonicMs() })),
        ...PRESSURE_RESOURCES.map((resource) => read(`pressure/${resource}`)),
      ]);
      if (statText === undefined) {
        return { kind: "unavailable", reason: `${source.procPath("stat")} does not exist (not Linux, or procfs is not mounted there)` };
      }

      // Parse everything before touching the kept counters: a parse error fails the whole cycle.
      const cpus = parseStat(statText).cpus;
      const network: NetworkReading | undefined =
        netDev.text === undefined
          ? undefined
          : { atMs: netDev.atMs, interfaces: new Map(parseNetDev(netDev.text).map((i) => [i.device, i])) };
      const pressures = PRESSURE_RESOURCES.flatMap((resource, i): [string, Pressure][] => {
        const text = pressureTexts[i];
        return text === undefined ? [] : [[resource, parsePressure(text, resource)]];
      });
      const mounts = mountsText === undefined ? [] : selectMounts(parseMounts(mountsText), options);

      const out = new SampleBuilder(ctx.now);
      out.cpu(previousCpu, cpus);
      out.load(loadavgText === undefined ? undefined : parseLoadavg(loadavgText));
      if (meminfoText !== undefined) out.memory(memoryReadings(parseMeminfo(meminfoText)));
      for (const [mount, usage] of await measureFilesystems(source, mounts, ctx.signal)) out.filesystem(mount, usage);
      if (previousNetwork !== undefined && network !== undefined) out.network(previousNetwork, network);
      out.uptime(uptimeText === undefined ? undefined : parseUptime(uptimeText));
      for (const [resource, pressure] of pressures) out.pressure(resource, pressure);

      previousCpu = new Map(cpus.map((times) => [times.cpu, times]));
      previousNetwork = network;
      return { kind: "ok", samples: out.samples, states: [] };
    },
  };
}

/** statfs of each mount, in parallel; a mount whose statfs fails, or that has no blocks, is left out. */
async function measureFilesystems(source: SystemSource, mounts: readonly MountEntry[], signal: AbortSignal) {
  const results = await Promise.allSettled(mounts.map((mount) => source.statFilesystem(mount.mountPoint, signal)));
  return mounts.flatMap((mount, i) => {
    const result = results[i];
    const usage = result?.status === "fulfilled" ? filesystemUsage(result.value) : undefined;
    return usage === undefined ? [] : [[mount, usage] as const];
  });
}
