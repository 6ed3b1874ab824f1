/**
 * The series the system collector emits. The hub and the docs use these names: change them
 * only together. Units are in the names; label values are strings.
 */
export const SYSTEM_METRICS = {
  /** Labels: cpu = "total", "0", "1"... */
  cpuUsagePercent: "vigil_cpu_usage_percent",
  load1: "vigil_load1",
  load5: "vigil_load5",
  load15: "vigil_load15",
  memoryTotalBytes: "vigil_memory_total_bytes",
  memoryAvailableBytes: "vigil_memory_available_bytes",
  memoryUsedPercent: "vigil_memory_used_percent",
  swapTotalBytes: "vigil_swap_total_bytes",
  swapUsedBytes: "vigil_swap_used_bytes",
  /** Labels of the three filesystem series: mountpoint, device, fstype. */
  filesystemSizeBytes: "vigil_filesystem_size_bytes",
  filesystemAvailBytes: "vigil_filesystem_avail_bytes",
  filesystemUsedPercent: "vigil_filesystem_used_percent",
  /** Labels: device. */
  networkReceiveBytesPerSecond: "vigil_network_receive_bytes_per_second",
  networkTransmitBytesPerSecond: "vigil_network_transmit_bytes_per_second",
  uptimeSeconds: "vigil_uptime_seconds",
  /** Labels: resource = "cpu", "memory", "io". */
  pressureSomeAvg10Percent: "vigil_pressure_some_avg10_percent",
  pressureFullAvg10Percent: "vigil_pressure_full_avg10_percent",
} as const;
