/** Readings from /proc/self/status and /proc/self/limits, as prom-client's process metrics take them. */
export interface ProcStatus {
  residentBytes?: number;
  virtualBytes?: number;
  /** VmData: the data segment, prom-client's process_heap_bytes. */
  heapBytes?: number;
}

/** Parses /proc/<pid>/status (`VmRSS:   70012 kB` lines). Absent fields stay absent. */
export function parseProcStatus(text: string): ProcStatus {
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const out: ProcStatus = {};
  const rss = kb("VmRSS");
  const size = kb("VmSize");
  const data = kb("VmData");
  if (rss !== undefined) out.residentBytes = rss;
  if (size !== undefined) out.virtualBytes = size;
  if (data !== undefined) out.heapBytes = data;
  return out;
}

/** The soft limit on open files from /proc/<pid>/limits; undefined when absent or "unlimited". */
export function parseMaxOpenFiles(text: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+/m.exec(text);
  return m && m[1] !== "unlimited" ? Number(m[1]) : undefined;
}
