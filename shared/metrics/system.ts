import { defineCatalog } from "./catalog.ts";

/** What the system collector emits (CPU, load, memory, filesystems, network, uptime, PSI). */
export const SYSTEM_CATALOG = defineCatalog({
  collector: "system",
  series: {
    cpuUsagePercent: {
      name: "vigil_cpu_usage_percent",
      type: "gauge",
      help: "CPU busy time over the last cycle, per core and total.",
      labels: ["cpu"],
    },
    load1: { name: "vigil_load1", type: "gauge", help: "1-minute load average.", labels: [] },
    load5: { name: "vigil_load5", type: "gauge", help: "5-minute load average.", labels: [] },
    load15: { name: "vigil_load15", type: "gauge", help: "15-minute load average.", labels: [] },
    memoryTotalBytes: { name: "vigil_memory_total_bytes", type: "gauge", help: "MemTotal.", labels: [] },
    memoryAvailableBytes: { name: "vigil_memory_available_bytes", type: "gauge", help: "MemAvailable.", labels: [] },
    memoryUsedPercent: {
      name: "vigil_memory_used_percent",
      type: "gauge",
      help: "Memory in use: 100 * (1 - MemAvailable / MemTotal).",
      labels: [],
    },
    swapTotalBytes: { name: "vigil_swap_total_bytes", type: "gauge", help: "SwapTotal.", labels: [] },
    swapUsedBytes: { name: "vigil_swap_used_bytes", type: "gauge", help: "SwapTotal - SwapFree.", labels: [] },
    filesystemSizeBytes: {
      name: "vigil_filesystem_size_bytes",
      type: "gauge",
      help: "Filesystem size.",
      labels: ["mountpoint", "device", "fstype"],
    },
    filesystemAvailBytes: {
      name: "vigil_filesystem_avail_bytes",
      type: "gauge",
      help: "Filesystem space available to unprivileged users.",
      labels: ["mountpoint", "device", "fstype"],
    },
    filesystemUsedPercent: {
      name: "vigil_filesystem_used_percent",
      type: "gauge",
      help: "Filesystem space in use, as df reports it.",
      labels: ["mountpoint", "device", "fstype"],
    },
    networkReceiveBytesPerSecond: {
      name: "vigil_network_receive_bytes_per_second",
      type: "gauge",
      help: "Bytes received per second over the last cycle.",
      labels: ["device"],
    },
    networkTransmitBytesPerSecond: {
      name: "vigil_network_transmit_bytes_per_second",
      type: "gauge",
      help: "Bytes sent per second over the last cycle.",
      labels: ["device"],
    },
    uptimeSeconds: { name: "vigil_uptime_seconds", type: "gauge", help: "Seconds since boot.", labels: [] },
    pressureSomeAvg10Percent: {
      name: "vigil_pressure_some_avg10_percent",
      type: "gauge",
      help: "PSI: share of the last 10 s in which some task stalled on the resource.",
      labels: ["resource"],
    },
    pressureFullAvg10Percent: {
      name: "vigil_pressure_full_avg10_percent",
      type: "gauge",
      help: "PSI: share of the last 10 s in which all non-idle tasks stalled on the resource.",
      labels: ["resource"],
    },
  },
  states: {},
});
