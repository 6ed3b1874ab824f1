import { type CsvRow, parseQueryCsv } from "./parse-query-csv.ts";
import type { FieldSelection, GpuFieldKey } from "./query-fields.ts";
import { mibToBytes, NvidiaSmiOutputError, readBitmask, readNumber, readPerformanceState, readText } from "./smi-values.ts";

/** One GPU's readings from `--query-gpu`. Anything the driver did not report is undefined, never 0. */
export interface GpuReading {
  /** nvidia-smi's index, as a string: the `gpu` label. */
  index: string;
  uuid: string | undefined;
  name: string | undefined;
  driverVersion: string | undefined;
  persistenceMode: string | undefined;
  performanceState: number | undefined;
  temperatureCelsius: number | undefined;
  memoryTemperatureCelsius: number | undefined;
  powerDrawWatts: number | undefined;
  powerLimitWatts: number | undefined;
  utilizationPercent: number | undefined;
  memoryUtilizationPercent: number | undefined;
  memoryTotalBytes: number | undefined;
  memoryUsedBytes: number | undefined;
  fanSpeedPercent: number | undefined;
  clocksMhz: { graphics?: number; sm?: number; memory?: number; video?: number };
  maxClocksMhz: { graphics?: number; sm?: number; memory?: number };
  throttleSupported: bigint | undefined;
  throttleActive: bigint | undefined;
  eccMode: string | undefined;
  eccErrors: {
    correctedVolatile?: number;
    uncorrectedVolatile?: number;
    correctedAggregate?: number;
    uncorrectedAggregate?: number;
  };
  migMode: string | undefined;
}

/**
 * Parses the output of `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` into one
 * reading per GPU. Each column is the field asked for in its position (`fields`, in the order asked);
 * `selection` says which of those fields holds which reading. A key the selection leaves out (the
 * driver does not offer it) reads as missing. Without an `index` column the row position is the
 * index: nvidia-smi prints GPUs in index order.
 */
export function parseQueryGpu(text: string, fields: readonly string[], selection: FieldSelection): GpuReading[] {
  const fieldOf = new Map<GpuFieldKey, string>(selection);
  for (const [key, name] of selection) {
    if (!fields.includes(name)) throw new Error(`nvidia-smi --query-gpu: ${key} is read from ${name}, which was not asked for`);
  }
  const rows = parseQueryCsv(text, fields, "nvidia-smi --query-gpu");
  return rows.map((row, position) => readGpu(row, fieldOf, position));
}

function readGpu(row: CsvRow, fieldOf: ReadonlyMap<GpuFieldKey, string>, position: number): GpuReading {
  const raw = (key: GpuFieldKey) => {
    const field = fieldOf.get(key);
    return field === undefined ? undefined : row.get(field);
  };
  const index = readText(raw("index")) ?? (fieldOf.has("index") ? undefined : String(position));
  if (index === undefined || !/^\d+$/.test(index)) {
    throw new NvidiaSmiOutputError(
      `nvidia-smi --query-gpu: row ${position + 1}: index: expected a number, got ${JSON.stringify(raw("index"))}`,
    );
  }
  const where = (key: GpuFieldKey) => `nvidia-smi --query-gpu: GPU ${index}: ${fieldOf.get(key) ?? key}`;
  const num = (key: GpuFieldKey) => readNumber(raw(key), where(key));
  return {
    index,
    uuid: readText(raw("uuid")),
    name: readText(raw("name")),
    driverVersion: readText(raw("driverVersion")),
    persistenceMode: readText(raw("persistenceMode")),
    performanceState: readPerformanceState(raw("pstate"), where("pstate")),
    temperatureCelsius: num("temperature"),
    memoryTemperatureCelsius: num("memoryTemperature"),
    powerDrawWatts: num("powerDraw"),
    powerLimitWatts: num("powerLimit"),
    utilizationPercent: num("utilizationGpu"),
    memoryUtilizationPercent: num("utilizationMemory"),
    memoryTotalBytes: mibToBytes(num("memoryTotal")),
    memoryUsedBytes: mibToBytes(num("memoryUsed")),
    fanSpeedPercent: num("fanSpeed"),
    clocksMhz: defined({ graphics: num("clockGraphics"), sm: num("clockSm"), memory: num("clockMemory"), video: num("clockVideo") }),
    maxClocksMhz: defined({ graphics: num("clockMaxGraphics"), sm: num("clockMaxSm"), memory: num("clockMaxMemory") }),
    throttleSupported: readBitmask(raw("throttleSupported"), where("throttleSupported")),
    throttleActive: readBitmask(raw("throttleActive"), where("throttleActive")),
    eccMode: readText(raw("eccMode")),
    eccErrors: defined({
      correctedVolatile: num("eccCorrectedVolatile"),
      uncorrectedVolatile: num("eccUncorrectedVolatile"),
      correctedAggregate: num("eccCorrectedAggregate"),
      uncorrectedAggregate: num("eccUncorrectedAggregate"),
    }),
    migMode: readText(raw("migMode")),
  };
}

/** The entries whose value is defined, so a missing reading is an absent key rather than `undefined`. */
function defined<T extends Record<string, number | undefined>>(values: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: number };
}
