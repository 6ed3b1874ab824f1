import { z } from "zod";
import { SYSTEM_CATALOG } from "../../../shared/metrics/system.ts";
import type { NumericSample } from "../../../shared/protocol/samples.ts";
import { bounded, LIMITS } from "./bounded.ts";

const S = SYSTEM_CATALOG.series;

export const systemSummary = z.object({
  cpuUsagePercent: z.number().optional(),
  load1: z.number().optional(),
  load5: z.number().optional(),
  load15: z.number().optional(),
  memoryUsedPercent: z.number().optional(),
  memoryTotalBytes: z.number().optional(),
  swapUsedBytes: z.number().optional(),
  uptimeSeconds: z.number().optional(),
  filesystems: z.array(z.object({ mountpoint: z.string(), usedPercent: z.number(), availBytes: z.number().optional() })),
});
export type SystemSummary = z.infer<typeof systemSummary>;

/**
 * The few system figures an assistant asks first (CPU, load, memory, disks), from a host's newest
 * samples. A value the agent did not report stays absent, never 0. Pure.
 */
export function toSystemSummary(samples: readonly NumericSample[], notes: string[]): SystemSummary {
  const one = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  const out: SystemSummary = { filesystems: [] };
  const set = <K extends Exclude<keyof SystemSummary, "filesystems">>(key: K, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set("cpuUsagePercent", one(S.cpuUsagePercent.name, { cpu: "total" }));
  set("load1", one(S.load1.name));
  set("load5", one(S.load5.name));
  set("load15", one(S.load15.name));
  set("memoryUsedPercent", one(S.memoryUsedPercent.name));
  set("memoryTotalBytes", one(S.memoryTotalBytes.name));
  set("swapUsedBytes", one(S.swapUsedBytes.name));
  set("uptimeSeconds", one(S.uptimeSeconds.name));
  const filesystems = samples
    .filter((s) => s.name === S.filesystemUsedPercent.name && s.labels.mountpoint !== undefined)
    .map((s) => {
      const mountpoint = s.labels.mountpoint as string;
      const avail = one(S.filesystemAvailBytes.name, { mountpoint });
      return { mountpoint, usedPercent: s.value, ...(avail === undefined ? {} : { availBytes: avail }) };
    })
    .sort((a, b) => b.usedPercent - a.usedPercent);
  out.filesystems = bounded(filesystems, LIMITS.filesystems, "filesystems (fullest first)", notes);
  return out;
}
