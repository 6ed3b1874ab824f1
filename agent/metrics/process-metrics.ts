import { Counter, type Registry, registerDefaultMetric, setTotal } from "./prom-client-lib.ts";

/**
 * The process metrics of prom-client's collectDefaultMetrics(), under the same names so dashboards
 * made for any Node exporter work, but only those read on demand at each scrape: start time, memory
 * (/proc/self/status), file descriptors, the V8 heap, the Node version. Left out are the ones that
 * sample on timers (event-loop lag every 10 ms, GC observers), which cost an idle agent ~11 ms of
 * CPU per second (docs/benchmarks.md). The CPU counters are written here: prom-client's own module
 * loads @opentelemetry/api for exemplars, and counts only from the moment it is registered.
 */
export function registerProcessMetrics(registry: Registry): void {
  for (const name of [
    "processStartTime",
    "osMemoryHeap",
    "processOpenFileDescriptors",
    "processMaxFileDescriptors",
    "heapSizeAndUsed",
    "version",
  ] as const) {
    registerDefaultMetric(name, registry);
  }
  const registers = [registry];
  // The first one registered reads all three: the registry asks each metric in registration order.
  new Counter({
    name: "process_cpu_user_seconds_total",
    help: "Total user CPU time spent in seconds.",
    registers,
    collect() {
      const cpu = process.cpuUsage();
      setTotal(this, cpu.user / 1e6);
      setTotal(system, cpu.system / 1e6);
      setTotal(total, (cpu.user + cpu.system) / 1e6);
    },
  });
  const system = new Counter({ name: "process_cpu_system_seconds_total", help: "Total system CPU time spent in seconds.", registers });
  const total = new Counter({ name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", registers });
}
