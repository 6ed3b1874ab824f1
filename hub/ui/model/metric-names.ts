import type { CONTAINERS_CATALOG } from "../../../shared/metrics/containers.ts";
import type { GPU_CATALOG } from "../../../shared/metrics/gpu.ts";
import type { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import type { SYSTEM_CATALOG } from "../../../shared/metrics/system.ts";
import type { UNITS_CATALOG } from "../../../shared/metrics/units.ts";
import type { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";

/**
 * The series and state names the dashboard reads. The browser cannot load the catalogs themselves
 * (shared/metrics/ is not served), so the names are written out here, each typed as the catalog's
 * literal: a renamed series is a compile error in this file, not an empty chart.
 */
type Series<C extends { series: Record<string, { name: string }> }, K extends keyof C["series"]> = C["series"][K]["name"];
type State<C extends { states: Record<string, { name: string }> }, K extends keyof C["states"]> = C["states"][K]["name"];

export const CPU_USAGE: Series<typeof SYSTEM_CATALOG, "cpuUsagePercent"> = "vigil_cpu_usage_percent";
export const MEMORY_USED: Series<typeof SYSTEM_CATALOG, "memoryUsedPercent"> = "vigil_memory_used_percent";
export const FILESYSTEM_USED: Series<typeof SYSTEM_CATALOG, "filesystemUsedPercent"> = "vigil_filesystem_used_percent";
export const NETWORK_RECEIVE: Series<typeof SYSTEM_CATALOG, "networkReceiveBytesPerSecond"> = "vigil_network_receive_bytes_per_second";
export const NETWORK_TRANSMIT: Series<typeof SYSTEM_CATALOG, "networkTransmitBytesPerSecond"> = "vigil_network_transmit_bytes_per_second";
export const LOAD1: Series<typeof SYSTEM_CATALOG, "load1"> = "vigil_load1";
export const SWAP_USED: Series<typeof SYSTEM_CATALOG, "swapUsedBytes"> = "vigil_swap_used_bytes";
export const UPTIME: Series<typeof SYSTEM_CATALOG, "uptimeSeconds"> = "vigil_uptime_seconds";

export const GPU_TEMPERATURE: Series<typeof GPU_CATALOG, "temperatureCelsius"> = "vigil_gpu_temperature_celsius";
export const GPU_POWER: Series<typeof GPU_CATALOG, "powerDrawWatts"> = "vigil_gpu_power_draw_watts";
export const GPU_POWER_LIMIT: Series<typeof GPU_CATALOG, "powerLimitWatts"> = "vigil_gpu_power_limit_watts";
export const GPU_UTILIZATION: Series<typeof GPU_CATALOG, "utilizationPercent"> = "vigil_gpu_utilization_percent";
export const GPU_MEMORY_USED: Series<typeof GPU_CATALOG, "memoryUsedBytes"> = "vigil_gpu_memory_used_bytes";
export const GPU_MEMORY_TOTAL: Series<typeof GPU_CATALOG, "memoryTotalBytes"> = "vigil_gpu_memory_total_bytes";

export const POOL_CAPACITY: Series<typeof ZFS_CATALOG, "poolCapacityPercent"> = "vigil_zfs_pool_capacity_percent";
export const POOL_HEALTH: State<typeof ZFS_CATALOG, "poolHealth"> = "vigil_zfs_pool_health";

export const CONTAINER_STATE: State<typeof CONTAINERS_CATALOG, "state"> = "vigil_container_state";
export const CONTAINER_HEALTH: State<typeof CONTAINERS_CATALOG, "health"> = "vigil_container_health";

export const UNIT_ACTIVE_STATE: State<typeof UNITS_CATALOG, "activeState"> = "vigil_unit_active_state";

export const PROBE_STATUS: State<typeof PROBES_CATALOG, "status"> = "vigil_probe_status";
