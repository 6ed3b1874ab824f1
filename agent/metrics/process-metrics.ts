import { readdirSync, readFileSync } from "node:fs";
import type { MetricFamily } from "./exposition.ts";
import { parseMaxOpenFiles, parseProcStatus } from "./parse-proc-self.ts";

const [major, minor, patch] = process.versions.node.split(".").map(Number);
const START_TIME_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/**
 * The process metrics prom-client's collectDefaultMetrics() exposes, under the same names, so
 * dashboards made for any Node exporter work; read on demand at each scrape instead of sampled on
 * timers (see exposition.ts for why not prom-client itself). Readings that cannot be had are left out.
 */
export function processFamilies(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const status = parseProcStatus(readOr("/proc/self/status"));
  const maxFds = parseMaxOpenFiles(readOr("/proc/self/limits"));
  const openFds = countOr("/proc/self/fd");
  const g = (name: string, help: string, value: number | undefined, type: MetricFamily["type"] = "gauge"): MetricFamily => ({
    name,
    help,
    type,
    series: value === undefined ? [] : [{ labels: {}, value }],
  });
  return [
    g("process_cpu_user_seconds_total", "Total user CPU time spent in seconds.", cpu.user / 1e6, "counter"),
    g("process_cpu_system_seconds_total", "Total system CPU time spent in seconds.", cpu.system / 1e6, "counter"),
    g("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", (cpu.user + cpu.system) / 1e6, "counter"),
    g("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", START_TIME_SECONDS),
    g("process_resident_memory_bytes", "Resident memory size in bytes.", status.residentBytes ?? mem.rss),
    g("process_virtual_memory_bytes", "Virtual memory size in bytes.", status.virtualBytes),
    g("process_heap_bytes", "Process heap size in bytes.", status.heapBytes),
    g("process_open_fds", "Number of open file descriptors.", openFds),
    g("process_max_fds", "Maximum number of open file descriptors.", maxFds),
    g("nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.", mem.heapTotal),
    g("nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.", mem.heapUsed),
    g("nodejs_external_memory_bytes", "Node.js external memory size in bytes.", mem.external),
    {
      name: "nodejs_version_info",
      help: "Node.js version info.",
      type: "gauge",
      series: [{ labels: { version: process.version, major: String(major), minor: String(minor), patch: String(patch) }, value: 1 }],
    },
  ];
}

function readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function countOr(dir: string): number | undefined {
  try {
    return readdirSync(dir).length;
  } catch {
    return undefined;
  }
}
