import { parseQueryCsv } from "./parse-query-csv.ts";
import { mibToBytes, NvidiaSmiOutputError, readNumber, readText } from "./smi-values.ts";

/** One process with a compute context on a GPU. */
export interface ComputeApp {
  gpuUuid: string;
  pid: string;
  processName: string;
  /** Undefined where the driver cannot tell (Windows in WDDM mode reports `[N/A]`). */
  usedMemoryBytes: number | undefined;
}

/**
 * Parses `nvidia-smi --query-compute-apps=<fields> --format=csv,noheader,nounits`. `fields` is the list
 * asked for; it must include gpu_uuid, pid, process_name and used_gpu_memory, in any order. No
 * process gives empty output, hence no rows.
 */
export function parseComputeApps(text: string, fields: readonly string[]): ComputeApp[] {
  const command = "nvidia-smi --query-compute-apps";
  for (const needed of ["gpu_uuid", "pid", "process_name", "used_gpu_memory"]) {
    if (!fields.includes(needed)) throw new Error(`${command}: the field list lacks ${needed}`);
  }
  return parseQueryCsv(text, fields, command).map((row, i) => {
    const where = `${command}: line ${i + 1}`;
    const gpuUuid = readText(row.get("gpu_uuid"));
    const pid = readText(row.get("pid"));
    if (gpuUuid === undefined) throw new NvidiaSmiOutputError(`${where}: gpu_uuid is missing`);
    if (pid === undefined || !/^\d+$/.test(pid))
      throw new NvidiaSmiOutputError(`${where}: pid: expected a number, got ${JSON.stringify(pid)}`);
    return {
      gpuUuid,
      pid,
      processName: readText(row.get("process_name")) ?? "",
      usedMemoryBytes: mibToBytes(readNumber(row.get("used_gpu_memory"), `${where}: used_gpu_memory`)),
    };
  });
}
