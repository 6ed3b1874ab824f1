import { defineCatalog } from "./catalog.ts";

/** Labels of every per-GPU series and state: `gpu` is nvidia-smi's index ("0", "1", ...), the hub's entity label. */
const GPU = ["gpu", "uuid", "name"] as const;
/** A MIG instance: its parent GPU plus the MIG device index and its GPU/compute instance ids. */
const MIG = [...GPU, "mig", "gpu_instance", "compute_instance"] as const;

/**
 * The reasons NVML gives for clocks running below their maximum, in the bit order of its
 * `clocks_event_reasons` bitmask (nvml.h `nvmlClocksEventReason*`): bit 0 is gpu_idle, bit 8 display_clocks_setting.
 */
export const GPU_THROTTLE_REASONS = [
  "gpu_idle",
  "applications_clocks_setting",
  "sw_power_cap",
  "hw_slowdown",
  "sync_boost",
  "sw_thermal_slowdown",
  "hw_thermal_slowdown",
  "hw_power_brake_slowdown",
  "display_clocks_setting",
] as const;
export type GpuThrottleReason = (typeof GPU_THROTTLE_REASONS)[number];

/** The clock domains reported as `clock` label values. */
export const GPU_CLOCKS = ["graphics", "sm", "memory", "video"] as const;
export type GpuClock = (typeof GPU_CLOCKS)[number];

/** What the gpu collector emits, read from `nvidia-smi` (NVIDIA GPUs only). */
export const GPU_CATALOG = defineCatalog({
  collector: "gpu",
  series: {
    temperatureCelsius: {
      name: "vigil_gpu_temperature_celsius",
      type: "gauge",
      help: "GPU core temperature (temperature.gpu).",
      labels: GPU,
    },
    memoryTemperatureCelsius: {
      name: "vigil_gpu_memory_temperature_celsius",
      type: "gauge",
      help: "HBM memory temperature (temperature.memory); only datacenter cards with HBM report it.",
      labels: GPU,
    },
    powerDrawWatts: {
      name: "vigil_gpu_power_draw_watts",
      type: "gauge",
      help: "Board power draw (power.draw): a 1 s average on Ampere and newer, instantaneous before.",
      labels: GPU,
    },
    powerLimitWatts: {
      name: "vigil_gpu_power_limit_watts",
      type: "gauge",
      help: "The power ceiling the driver enforces (enforced.power.limit, else power.limit).",
      labels: GPU,
    },
    utilizationPercent: {
      name: "vigil_gpu_utilization_percent",
      type: "gauge",
      help: "Share of the last sample period in which a kernel ran (utilization.gpu); absent in MIG mode.",
      labels: GPU,
    },
    memoryUtilizationPercent: {
      name: "vigil_gpu_memory_utilization_percent",
      type: "gauge",
      help: "Share of the last sample period in which device memory was read or written (utilization.memory).",
      labels: GPU,
    },
    memoryTotalBytes: { name: "vigil_gpu_memory_total_bytes", type: "gauge", help: "Framebuffer memory (memory.total).", labels: GPU },
    memoryUsedBytes: {
      name: "vigil_gpu_memory_used_bytes",
      type: "gauge",
      help: "Framebuffer memory allocated by contexts (memory.used).",
      labels: GPU,
    },
    fanSpeedPercent: {
      name: "vigil_gpu_fan_speed_percent",
      type: "gauge",
      help: "Intended fan speed as a percent of its maximum (fan.speed); may exceed 100; absent on passively cooled cards.",
      labels: GPU,
    },
    clockHertz: {
      name: "vigil_gpu_clock_hertz",
      type: "gauge",
      help: "Current clock frequency of a clock domain (clocks.current.*).",
      labels: [...GPU, "clock"],
    },
    clockMaxHertz: {
      name: "vigil_gpu_clock_max_hertz",
      type: "gauge",
      help: "Highest frequency the clock domain is designed for (clocks.max.*).",
      labels: [...GPU, "clock"],
    },
    performanceState: {
      name: "vigil_gpu_performance_state",
      type: "gauge",
      help: "Performance state: 0 for P0 (maximum performance) to 15 for P15 (minimum).",
      labels: GPU,
    },
    throttleReasonActive: {
      name: "vigil_gpu_throttle_reason_active",
      type: "gauge",
      help: "1 while the reason holds clocks below their maximum, 0 when not (NVML's clocks event reasons); one series per reason the GPU supports.",
      labels: [...GPU, "reason"],
    },
    eccErrorsCorrectedVolatileTotal: {
      name: "vigil_gpu_ecc_errors_corrected_volatile_total",
      type: "counter",
      help: "Corrected (single-bit) ECC errors since the driver loaded.",
      labels: GPU,
    },
    eccErrorsUncorrectedVolatileTotal: {
      name: "vigil_gpu_ecc_errors_uncorrected_volatile_total",
      type: "counter",
      help: "Uncorrected (double-bit) ECC errors since the driver loaded: any increase means data was corrupted.",
      labels: GPU,
    },
    eccErrorsCorrectedAggregateTotal: {
      name: "vigil_gpu_ecc_errors_corrected_aggregate_total",
      type: "counter",
      help: "Corrected ECC errors over the GPU's lifetime (kept in its inforom).",
      labels: GPU,
    },
    eccErrorsUncorrectedAggregateTotal: {
      name: "vigil_gpu_ecc_errors_uncorrected_aggregate_total",
      type: "counter",
      help: "Uncorrected ECC errors over the GPU's lifetime (kept in its inforom).",
      labels: GPU,
    },
    processes: {
      name: "vigil_gpu_processes",
      type: "gauge",
      help: "Compute processes running on the GPU (nvidia-smi --query-compute-apps).",
      labels: GPU,
    },
    processUsedMemoryBytes: {
      name: "vigil_gpu_process_used_memory_bytes",
      type: "gauge",
      help: "GPU memory a compute process uses; absent where the driver cannot tell (Windows WDDM).",
      labels: ["gpu", "uuid", "pid", "process"],
    },
    migMemoryTotalBytes: {
      name: "vigil_gpu_mig_memory_total_bytes",
      type: "gauge",
      help: "Framebuffer memory of a MIG instance.",
      labels: MIG,
    },
    migMemoryUsedBytes: {
      name: "vigil_gpu_mig_memory_used_bytes",
      type: "gauge",
      help: "Framebuffer memory used in a MIG instance.",
      labels: MIG,
    },
    migProcesses: {
      name: "vigil_gpu_mig_processes",
      type: "gauge",
      help: "Processes running in a MIG instance (from nvidia-smi -q -x).",
      labels: MIG,
    },
  },
  states: {
    driverVersion: {
      name: "vigil_gpu_driver_version",
      help: "NVIDIA driver version (driver_version), e.g. 590.48.01.",
      labels: GPU,
    },
    cudaVersion: {
      name: "vigil_gpu_cuda_version",
      help: "Highest CUDA version the driver supports (cuda_version in nvidia-smi -q -x), e.g. 13.1.",
      labels: GPU,
    },
    migMode: {
      name: "vigil_gpu_mig_mode",
      help: "Whether Multi-Instance GPU is on (mig.mode.current); absent on GPUs without MIG.",
      labels: GPU,
      values: ["Enabled", "Disabled"],
    },
    eccMode: {
      name: "vigil_gpu_ecc_mode",
      help: "Whether ECC is on (ecc.mode.current); absent on cards without ECC.",
      labels: GPU,
      values: ["Enabled", "Disabled"],
    },
    persistenceMode: {
      name: "vigil_gpu_persistence_mode",
      help: "Whether the driver stays loaded with no client (persistence_mode); Disabled makes every nvidia-smi call slower.",
      labels: GPU,
      values: ["Enabled", "Disabled"],
    },
  },
});
