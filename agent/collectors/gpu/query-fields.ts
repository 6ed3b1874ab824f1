/**
 * The `--query-gpu` fields the collector asks for. Each has the names drivers have used for it, newest
 * first: NVIDIA renamed `clocks_throttle_reasons.*` to `clocks_event_reasons.*` (drivers 530+, the old
 * names kept as aliases for a while), and an old driver lacks fields a new one has. A driver refuses
 * the whole query if one field is unknown to it, so the collector asks only for names that driver offers.
 */
export const GPU_FIELDS = {
  index: ["index"],
  uuid: ["uuid", "gpu_uuid"],
  driverVersion: ["driver_version"],
  persistenceMode: ["persistence_mode"],
  pstate: ["pstate"],
  temperature: ["temperature.gpu"],
  memoryTemperature: ["temperature.memory"],
  powerDraw: ["power.draw"],
  powerLimit: ["enforced.power.limit", "power.limit"],
  utilizationGpu: ["utilization.gpu"],
  utilizationMemory: ["utilization.memory"],
  memoryTotal: ["memory.total"],
  memoryUsed: ["memory.used"],
  fanSpeed: ["fan.speed"],
  clockGraphics: ["clocks.current.graphics", "clocks.gr"],
  clockSm: ["clocks.current.sm", "clocks.sm"],
  clockMemory: ["clocks.current.memory", "clocks.mem"],
  clockVideo: ["clocks.current.video", "clocks.video"],
  clockMaxGraphics: ["clocks.max.graphics", "clocks.max.gr"],
  clockMaxSm: ["clocks.max.sm"],
  clockMaxMemory: ["clocks.max.memory", "clocks.max.mem"],
  throttleSupported: ["clocks_event_reasons.supported", "clocks_throttle_reasons.supported"],
  throttleActive: ["clocks_event_reasons.active", "clocks_throttle_reasons.active"],
  eccMode: ["ecc.mode.current"],
  eccCorrectedVolatile: ["ecc.errors.corrected.volatile.total"],
  eccUncorrectedVolatile: ["ecc.errors.uncorrected.volatile.total"],
  eccCorrectedAggregate: ["ecc.errors.corrected.aggregate.total"],
  eccUncorrectedAggregate: ["ecc.errors.uncorrected.aggregate.total"],
  migMode: ["mig.mode.current"],
  // Last on purpose: nvidia-smi does not quote CSV values, so a comma inside a value would split it;
  // the parser gives any extra cells back to the last field, and only the name is free text.
  name: ["name", "gpu_name"],
} as const satisfies Record<string, readonly string[]>;

export type GpuFieldKey = keyof typeof GPU_FIELDS;

/** Which field name stands for which key in one query, in the order they are asked. */
export type FieldSelection = ReadonlyArray<readonly [GpuFieldKey, string]>;

/** Without these the readings cannot be told apart: a driver lacking them is an error, not a smaller query. */
const REQUIRED: readonly GpuFieldKey[] = ["index", "uuid"];

/**
 * For each key, the first of its names that `offered` holds (all names when the driver's list is
 * unknown) and that the driver has not refused. Throws when a required field has no name left.
 */
export function selectGpuFields(offered: ReadonlySet<string> | undefined, refused: ReadonlySet<string>): FieldSelection {
  const selection: Array<readonly [GpuFieldKey, string]> = [];
  for (const [key, names] of Object.entries(GPU_FIELDS) as Array<[GpuFieldKey, readonly string[]]>) {
    const name = names.find((n) => !refused.has(n) && (offered === undefined || offered.has(n)));
    if (name !== undefined) selection.push([key, name]);
    else if (REQUIRED.includes(key)) {
      throw new Error(`this nvidia-smi offers none of ${names.map((n) => `"${n}"`).join(", ")} in --query-gpu; cannot tell GPUs apart`);
    }
  }
  return selection;
}

/** The `--query-compute-apps` fields, process_name last for the same reason as the GPU name above. */
export const COMPUTE_APP_FIELDS = ["gpu_uuid", "pid", "used_gpu_memory", "process_name"] as const;
