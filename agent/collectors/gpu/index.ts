import { CommandFailedError, CommandUnavailableError } from "../../../shared/process/run-command.ts";
import type { CollectContext, CollectOutcome, Collector } from "../collector.ts";
import { createNvidiaSmi, type NvidiaSmi } from "./exec.ts";
import { parseComputeApps } from "./parse-compute-apps.ts";
import { parseHelpQueryGpu } from "./parse-help-query.ts";
import { refusedQueryField, saysNoDevices } from "./parse-query-csv.ts";
import { type GpuReading, parseQueryGpu } from "./parse-query-gpu.ts";
import { parseSmiXml, type XmlGpu } from "./parse-smi-xml.ts";
import { COMPUTE_APP_FIELDS, selectGpuFields } from "./query-fields.ts";
import { GpuSampleBuilder } from "./samples.ts";

export interface GpuCollectorOptions {
  /** The nvidia-smi executable (`collectors.gpu.nvidiaSmiPath`). */
  nvidiaSmiPath: string;
  /** Per nvidia-smi call (`collectors.gpu.timeout`). */
  timeoutMs: number;
  processes: boolean;
  xml: boolean;
  /** A stand-in for nvidia-smi, for tests; default the real one at `nvidiaSmiPath`. */
  nvidiaSmi?: NvidiaSmi;
}

/**
 * NVIDIA GPUs through nvidia-smi: per GPU its temperatures, power, utilization, memory, fan, clocks,
 * P-state, throttle reasons, ECC counts, modes and versions; compute processes; MIG instances.
 *
 * One nvidia-smi per call, not a long-lived `nvidia-smi --query-gpu=... -l <s>` loop. The loop would
 * save the spawn (measured here: 11 ms median from runCommand to exit for /bin/true, 16 ms for the sh
 * fake printing the H100 CSV, on a busy 2-core box; two or three a cycle is under 0.5 % of 10 s) and
 * NVML's start-up (small with persistence mode on). But a process that holds the GPUs open forever
 * blocks what an operator must be able to do at any time: `nvidia-smi -r` (GPU reset), switching MIG
 * mode and unloading the driver for an upgrade all refuse while a client holds the device. A loop
 * would also need its own liveness check (a hung loop prints nothing, which looks like a quiet GPU),
 * restart logic and a second loop for processes, and its output would drift from the agent's cycle.
 * A spawn per cycle gets the scheduler's timeout and retry for free and holds nothing between cycles.
 *
 * Which fields this driver offers is read once from `--help-query-gpu`; a field the driver refuses
 * anyway (or every field, if the help could not be read) is dropped and the query retried, so a
 * driver's missing field never fails the collector for good. Unavailable when nvidia-smi is not
 * installed or finds no GPU.
 */
export function createGpuCollector(options: GpuCollectorOptions): Collector {
  const smi = options.nvidiaSmi ?? createNvidiaSmi({ path: options.nvidiaSmiPath, timeoutMs: options.timeoutMs });
  let helpRead = false;
  /** The names `--help-query-gpu` listed; undefined when it could not be read (then: learn by refusal). */
  let offered: ReadonlySet<string> | undefined;
  const refused = new Set<string>();
  /** The CUDA version from the last `-q -x`, and the driver version it was read under. */
  let xmlRead: { driverVersion: string | undefined; cudaVersion: string | undefined } | undefined;

  async function offeredFields(signal: AbortSignal): Promise<ReadonlySet<string> | undefined> {
    try {
      return parseHelpQueryGpu(await smi.helpQueryGpu(signal));
    } catch (err) {
      if (err instanceof CommandUnavailableError || signal.aborted) throw err;
      return undefined;
    }
  }

  async function readGpus(signal: AbortSignal): Promise<GpuReading[]> {
    if (!helpRead) {
      offered = await offeredFields(signal);
      helpRead = true;
    }
    // Each pass either returns or refuses one more of a finite list of names, so this ends.
    for (;;) {
      const selection = selectGpuFields(offered, refused);
      const names = selection.map(([, name]) => name);
      let stdout: string;
      try {
        stdout = await smi.queryGpu(names, signal);
      } catch (err) {
        const field = err instanceof CommandFailedError ? refusedQueryField(`${err.message}\n${err.stderr}`) : undefined;
        if (field === undefined) throw err;
        refuse(field, names);
        continue;
      }
      const field = refusedQueryField(stdout);
      if (field === undefined) return parseQueryGpu(stdout, names, selection);
      refuse(field, names);
    }
  }

  function refuse(field: string, asked: readonly string[]): void {
    if (!asked.includes(field) || refused.has(field)) {
      throw new Error(`nvidia-smi refused the --query-gpu field "${field}", which was not asked for or was dropped already`);
    }
    refused.add(field);
  }

  /** `-q -x` when there is something to learn: the CUDA version at start or after a driver change, MIG every cycle. */
  async function readXml(gpus: readonly GpuReading[], signal: AbortSignal): Promise<XmlGpu[]> {
    const driverVersion = gpus[0]?.driverVersion;
    const migOn = gpus.some((g) => g.migMode === "Enabled");
    if (!options.xml || (!migOn && xmlRead !== undefined && xmlRead.driverVersion === driverVersion)) return [];
    const report = parseSmiXml(await smi.queryXml(signal));
    xmlRead = { driverVersion, cudaVersion: report.cudaVersion };
    return report.gpus;
  }

  return {
    name: "gpu",
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      let gpus: GpuReading[];
      try {
        gpus = await readGpus(ctx.signal);
      } catch (err) {
        const reason = unavailableReason(err);
        if (reason !== undefined) return { kind: "unavailable", reason };
        throw err;
      }
      if (gpus.length === 0) return { kind: "unavailable", reason: "nvidia-smi --query-gpu listed no GPU" };

      const apps = options.processes
        ? parseComputeApps(await smi.queryComputeApps(COMPUTE_APP_FIELDS, ctx.signal), COMPUTE_APP_FIELDS)
        : undefined;
      const xmlGpus = await readXml(gpus, ctx.signal);

      const out = new GpuSampleBuilder(ctx.now);
      for (const gpu of gpus) out.gpu(gpu, xmlRead?.cudaVersion);
      if (apps !== undefined) out.processes(gpus, apps);
      out.mig(gpus, xmlGpus);
      return { kind: "ok", samples: out.samples, states: out.states };
    },
  };
}

/** Why the collector cannot run here, or undefined when `err` is a failure rather than an absence. */
function unavailableReason(err: unknown): string | undefined {
  if (err instanceof CommandUnavailableError) return err.message;
  if (err instanceof CommandFailedError && saysNoDevices(`${err.message}\n${err.stderr}`)) {
    return 'nvidia-smi found no NVIDIA GPU ("No devices were found")';
  }
  return undefined;
}
