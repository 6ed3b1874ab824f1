import { runCommand } from "../../../shared/process/run-command.ts";

/**
 * The nvidia-smi calls the gpu collector makes; this file is the only one in the collector that runs
 * a process. Each call is its own short-lived nvidia-smi (see index.ts for why not `nvidia-smi -l`),
 * through runCommand: execFile with an argument array, killed at the timeout or when the cycle aborts.
 *
 * Not the node-nvidia-smi package: it was read and tried here. It runs nvidia-smi through a shell with
 * no timeout (a hung driver would hang the agent), treats any stderr line as failure and drops the
 * data, returns unit-suffixed strings whose shape changes with the GPU count, and has been untouched
 * since 2017. Nor systeminformation's graphics(): it runs nvidia-smi synchronously, blocking the event loop.
 */
export interface NvidiaSmi {
  /** `--help-query-gpu`: the fields this driver's `--query-gpu` accepts. */
  helpQueryGpu(signal: AbortSignal): Promise<string>;
  queryGpu(fields: readonly string[], signal: AbortSignal): Promise<string>;
  queryComputeApps(fields: readonly string[], signal: AbortSignal): Promise<string>;
  /** `-q -x`: everything, as XML (tens to hundreds of KB), for what the query interface lacks. */
  queryXml(signal: AbortSignal): Promise<string>;
}

export interface NvidiaSmiOptions {
  /** The executable: a bare name is looked up on PATH. */
  path: string;
  /** Per call; the cycle's signal can end a call sooner. */
  timeoutMs: number;
}

/** Machine formats only: no header row (columns are mapped by the fields asked for), no units. */
const CSV_FORMAT = "--format=csv,noheader,nounits";

export function createNvidiaSmi(options: NvidiaSmiOptions): NvidiaSmi {
  const run = async (args: readonly string[], signal: AbortSignal) =>
    (await runCommand(options.path, args, { timeoutMs: options.timeoutMs, signal })).stdout;
  return {
    helpQueryGpu: (signal) => run(["--help-query-gpu"], signal),
    queryGpu: (fields, signal) => run([`--query-gpu=${fields.join(",")}`, CSV_FORMAT], signal),
    queryComputeApps: (fields, signal) => run([`--query-compute-apps=${fields.join(",")}`, CSV_FORMAT], signal),
    queryXml: (signal) => run(["-q", "-x"], signal),
  };
}
