import type { Meminfo } from "./parse-meminfo.ts";

/** Memory figures derived from /proc/meminfo; each is absent when its inputs are. */
export interface MemoryReadings {
  totalBytes?: number;
  availableBytes?: number;
  /** (MemTotal - MemAvailable) / MemTotal * 100. */
  usedPercent?: number;
  swapTotalBytes?: number;
  /** SwapTotal - SwapFree. */
  swapUsedBytes?: number;
}

/**
 * Derives the memory figures Vigil reports.
 *
 * Without a MemAvailable line (kernels before 3.14) there is no available and no used-percent figure.
 * The kernel's own estimate (si_mem_available) needs the zone low watermarks and reserved pages, which
 * /proc/meminfo does not show, and the usual stand-in (MemFree + Buffers + Cached) counts unreclaimable
 * shmem and tmpfs as free: a guess we will not present as a measurement. MemTotal and swap are still reported.
 */
export function memoryReadings(meminfo: Meminfo): MemoryReadings {
  const readings: MemoryReadings = {};
  const total = meminfo.get("MemTotal");
  const available = meminfo.get("MemAvailable");
  const swapTotal = meminfo.get("SwapTotal");
  const swapFree = meminfo.get("SwapFree");
  if (total !== undefined) readings.totalBytes = total;
  if (available !== undefined) readings.availableBytes = available;
  if (total !== undefined && available !== undefined && total > 0 && available <= total) {
    readings.usedPercent = ((total - available) / total) * 100;
  }
  if (swapTotal !== undefined) readings.swapTotalBytes = swapTotal;
  if (swapTotal !== undefined && swapFree !== undefined && swapFree <= swapTotal) {
    readings.swapUsedBytes = swapTotal - swapFree;
  }
  return readings;
}
