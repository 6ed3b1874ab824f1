import type { CpuTimes } from "./parse-stat.ts";

/** The columns that add up to a CPU's elapsed time; guest and guest_nice are already inside user and nice. */
const ELAPSED_COLUMNS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;
/** iowait is checked only as part of idle time: the kernel documents that it can go backwards. */
const MONOTONIC_COLUMNS = ["user", "nice", "system", "idle", "irq", "softirq", "steal"] as const;

/**
 * Percent of the time between two readings of one CPU spent not idle (idle and iowait count as idle),
 * as `top` and node_exporter-based dashboards compute it. Columns a kernel does not report are absent
 * from both readings and add nothing. Undefined, so no sample, when no time passed, when the CPU line
 * changed shape, or when a counter went backwards (a reset: the next pair of readings is used instead).
 */
export function cpuUsagePercent(previous: CpuTimes, current: CpuTimes): number | undefined {
  for (const column of ELAPSED_COLUMNS) {
    if ((previous[column] === undefined) !== (current[column] === undefined)) return undefined;
  }
  for (const column of MONOTONIC_COLUMNS) {
    if ((current[column] ?? 0) < (previous[column] ?? 0)) return undefined;
  }
  const elapsed = sumOf(current, ELAPSED_COLUMNS) - sumOf(previous, ELAPSED_COLUMNS);
  const idle = current.idle + (current.iowait ?? 0) - (previous.idle + (previous.iowait ?? 0));
  if (elapsed <= 0 || idle < 0) return undefined;
  return ((elapsed - idle) / elapsed) * 100;
}

function sumOf(times: CpuTimes, columns: readonly (typeof ELAPSED_COLUMNS)[number][]): number {
  let sum = 0;
  for (const column of columns) sum += times[column] ?? 0;
  return sum;
}
