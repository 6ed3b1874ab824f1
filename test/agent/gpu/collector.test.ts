import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { createGpuCollector, type GpuCollectorOptions } from "../../../agent/collectors/gpu/index.ts";
import { parseHelpQueryGpu } from "../../../agent/collectors/gpu/parse-help-query.ts";
import { COMPUTE_APP_FIELDS, GPU_FIELDS, selectGpuFields } from "../../../agent/collectors/gpu/query-fields.ts";
import { NvidiaSmiOutputError } from "../../../agent/collectors/gpu/smi-values.ts";
import { CommandFailedError } from "../../../shared/process/run-command.ts";
import { CollectorScheduler } from "../../../agent/collectors/scheduler.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { type FakeCase, writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { projectCsvFixture, smiFixture, smiFixturePath } from "./smi-fixtures.ts";

const tempDir = useTempDirs();
const T0 = 1_767_225_600_000;

const HELP = "h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt";
const H100_CSV = "h100-80gb-hbm3-load-allfields-driver590.48.01.csv";
const H100_APPS = "h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv";
const XML_590 = "rtx-a5000-2gpu-2processes-driver590.44.01.xml";

/** The fields the collector asks driver 590 for, as it derives them from that driver's help. */
const FIELDS_590 = selectGpuFields(parseHelpQueryGpu(smiFixture(HELP)), new Set()).map(([, name]) => name);
const FORMAT = "--format=csv,noheader,nounits";
const QUERY_GPU_ARGS = `--query-gpu=${FIELDS_590.join(",")} ${FORMAT}`;
const QUERY_APPS_ARGS = `--query-compute-apps=${COMPUTE_APP_FIELDS.join(",")} ${FORMAT}`;

/** A sh case pattern matching exactly these arguments (quoted: they hold spaces). */
const exactly = (args: string) => `'${args}'`;

/** A fake nvidia-smi answering like the H100 under load: help, query, processes, XML. */
function h100Cases(queryGpu: Partial<FakeCase> = {}): FakeCase[] {
  return [
    { args: "--help-query-gpu", stdoutFile: smiFixturePath(HELP) },
    { args: exactly(QUERY_GPU_ARGS), stdout: projectCsvFixture(H100_CSV, FIELDS_590), ...queryGpu },
    { args: exactly(QUERY_APPS_ARGS), stdout: projectCsvFixture(H100_APPS, COMPUTE_APP_FIELDS) },
    { args: exactly("-q -x"), stdoutFile: smiFixturePath(XML_590) },
  ];
}

function collector(options: Partial<GpuCollectorOptions> = {}) {
  return createGpuCollector({ nvidiaSmiPath: "nvidia-smi", timeoutMs: 5_000, processes: true, xml: true, ...options });
}

function collect(c: ReturnType<typeof collector>, signal = new AbortController().signal): Promise<CollectOutcome> {
  return c.collect({ now: T0, signal });
}

/** The argument lines the fake was called with, one per call. */
function calls(binDir: string): string[] {
  const file = join(binDir, "nvidia-smi.calls");
  return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n") : [];
}

function ok(outcome: CollectOutcome) {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got unavailable: ${outcome.reason}`);
  return outcome;
}

const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

describe("gpu collector with a fake nvidia-smi", () => {
  it("found through PATH: reads the help once, then the fields it offers, the processes and -q -x", async () => {
    const bin = tempDir();
    writeFakeBin(bin, "nvidia-smi", h100Cases());
    process.env.PATH = `${bin}:${originalPath}`;
    const c = collector();

    const first = ok(await collect(c));
    expect(calls(bin)).toEqual(["--help-query-gpu", QUERY_GPU_ARGS, QUERY_APPS_ARGS, "-q -x"]);
    const labels = { gpu: "0", uuid: "GPU-00000000-0000-0000-0000-000000000000", name: "NVIDIA H100 80GB HBM3" };
    expect(first.samples).toContainEqual({ name: "vigil_gpu_temperature_celsius", labels, timestamp: T0, value: 59 });
    expect(first.samples).toContainEqual({ name: "vigil_gpu_processes", labels, timestamp: T0, value: 3 });
    expect(first.states).toContainEqual({ name: "vigil_gpu_cuda_version", labels, timestamp: T0, state: "13.1" });
    expect(first.states).toContainEqual({ name: "vigil_gpu_driver_version", labels, timestamp: T0, state: "590.48.01" });

    // Same driver, no MIG: no help and no -q -x again; the CUDA version is remembered.
    const second = ok(await collect(c));
    expect(calls(bin).slice(4)).toEqual([QUERY_GPU_ARGS, QUERY_APPS_ARGS]);
    expect(second.states).toContainEqual({ name: "vigil_gpu_cuda_version", labels, timestamp: T0, state: "13.1" });
    expect(second.samples.length).toBe(first.samples.length);
  });

  it("found through the configured path, with nothing on PATH", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases());
    process.env.PATH = `${tempDir()}:/usr/bin:/bin`;
    const outcome = ok(await collect(collector({ nvidiaSmiPath: path })));
    expect(outcome.samples.find((s) => s.name === "vigil_gpu_power_draw_watts")?.value).toBe(631.95);
    expect(calls(bin)).toHaveLength(4);
  });

  it("processes: false and xml: false leave those calls out", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases());
    const outcome = ok(await collect(collector({ nvidiaSmiPath: path, processes: false, xml: false })));
    expect(calls(bin)).toEqual(["--help-query-gpu", QUERY_GPU_ARGS]);
    expect(outcome.samples.some((s) => s.name === "vigil_gpu_processes")).toBe(false);
    expect(outcome.states.some((s) => s.name === "vigil_gpu_cuda_version")).toBe(false);
  });

  it("reads -q -x every cycle while a GPU is in MIG mode, and again after a driver change", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", [
      { args: exactly(QUERY_GPU_ARGS), stdout: projectCsvFixture("h100-mig-enabled-idle-allfields-driver590.48.01.csv", FIELDS_590) },
      ...h100Cases(),
    ]);
    const c = collector({ nvidiaSmiPath: path });
    await collect(c);
    await collect(c);
    expect(calls(bin).filter((line) => line === "-q -x")).toHaveLength(2);

    // Out of MIG mode, same driver: the CUDA version is known, no more reads.
    writeFakeBin(bin, "nvidia-smi", h100Cases());
    await collect(c);
    await collect(c);
    expect(calls(bin).filter((line) => line === "-q -x")).toHaveLength(2);

    // The L40S's driver 595.80: the CUDA version is read again.
    writeFakeBin(bin, "nvidia-smi", h100Cases({ stdout: projectCsvFixture("l40s-load-allfields-driver595.80.csv", FIELDS_590) }));
    await collect(c);
    expect(calls(bin).filter((line) => line === "-q -x")).toHaveLength(3);
  });

  it("drops a field the driver refuses and asks again, once; later cycles ask the learned list", async () => {
    const bin = tempDir();
    // Without a readable help (this answer is hand-made), the collector asks every first name and learns.
    const firstNames = Object.values(GPU_FIELDS).map((names) => names[0]);
    const learned = firstNames.map((n) => n.replace("clocks_event_reasons.", "clocks_throttle_reasons."));
    const sourceOf = {
      "clocks_throttle_reasons.supported": "clocks_event_reasons.supported",
      "clocks_throttle_reasons.active": "clocks_event_reasons.active",
    };
    const refusal = (field: string) => `Field "${field}" is not a valid field to query.\n\n`;
    const path = writeFakeBin(bin, "nvidia-smi", [
      { args: "--help-query-gpu", stdout: "Invalid combination of input arguments.\n" },
      { args: exactly(`--query-gpu=${learned.join(",")} ${FORMAT}`), stdout: projectCsvFixture(H100_CSV, learned, sourceOf) },
      // Seen exiting 2; the message is also looked for on a 0 exit, whichever a driver does.
      { args: "--query-gpu=*clocks_event_reasons.supported*", stdout: refusal("clocks_event_reasons.supported"), exitCode: 2 },
      { args: "--query-gpu=*clocks_event_reasons.active*", stdout: refusal("clocks_event_reasons.active") },
      ...h100Cases(),
    ]);
    const c = collector({ nvidiaSmiPath: path, processes: false, xml: false });
    const outcome = ok(await collect(c));
    expect(calls(bin).map((line) => line.split(" ")[0]?.split("=")[0])).toEqual([
      "--help-query-gpu",
      "--query-gpu",
      "--query-gpu",
      "--query-gpu",
    ]);
    expect(calls(bin)[3]).toBe(`--query-gpu=${learned.join(",")} ${FORMAT}`);
    expect(outcome.samples.filter((s) => s.name === "vigil_gpu_throttle_reason_active")).toHaveLength(9);

    await collect(c);
    expect(calls(bin).slice(4)).toEqual([`--query-gpu=${learned.join(",")} ${FORMAT}`]);
  });

  it("unavailable when nvidia-smi is not installed, on PATH or at the configured path", async () => {
    process.env.PATH = `${tempDir()}:/usr/bin:/bin`;
    expect(await collect(collector())).toEqual({ kind: "unavailable", reason: "nvidia-smi: not found (is it installed and on PATH?)" });
    const missing = join(tempDir(), "nvidia-smi");
    expect(await collect(collector({ nvidiaSmiPath: missing }))).toEqual({
      kind: "unavailable",
      reason: `${missing}: not found (is it installed and on PATH?)`,
    });
  });

  it("unavailable when nvidia-smi finds no GPU, or lists none", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases({ stdout: "No devices were found\n", exitCode: 6 }));
    expect(await collect(collector({ nvidiaSmiPath: path }))).toEqual({
      kind: "unavailable",
      reason: 'nvidia-smi found no NVIDIA GPU ("No devices were found")',
    });
    writeFakeBin(bin, "nvidia-smi", h100Cases({ stdout: "" }));
    expect(await collect(collector({ nvidiaSmiPath: path }))).toEqual({
      kind: "unavailable",
      reason: "nvidia-smi --query-gpu listed no GPU",
    });
  });

  it("a driver failure is an error naming the command, not 'unavailable'", async () => {
    const bin = tempDir();
    const stderr = "Failed to initialize NVML: Driver/library version mismatch";
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases({ stdout: "", stderr, exitCode: 18 }));
    const err = await collect(collector({ nvidiaSmiPath: path })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toContain(`--query-gpu=index,uuid,`);
    expect((err as Error).message).toContain(`exited with 18: ${stderr}`);
  });

  it("garbage fails the cycle with the reason; the next cycle works", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases({ stdout: "<html>Service Unavailable</html>\n" }));
    const c = collector({ nvidiaSmiPath: path });
    const err = await collect(c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NvidiaSmiOutputError);
    expect((err as Error).message).toBe(
      `nvidia-smi --query-gpu: line 1 has 1 values for ${FIELDS_590.length} fields: "<html>Service Unavailable</html>"`,
    );
    writeFakeBin(bin, "nvidia-smi", h100Cases());
    expect(ok(await collect(c)).samples.length).toBeGreaterThan(30);
  });

  it("a hung nvidia-smi is killed at the cycle timeout; the next cycle works", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases({ sleepSeconds: 30 }));
    const lines: string[] = [];
    const scheduled = { collector: collector({ nvidiaSmiPath: path }), intervalMs: 10_000, timeoutMs: 800 };
    const scheduler = new CollectorScheduler({
      collectors: [scheduled],
      sink: () => {},
      logger: createLogger({ component: "agent", write: (l) => lines.push(l) }),
    });
    const started = performance.now();
    await scheduler.runOnce(scheduled);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(scheduler.statuses()[0]).toMatchObject({ state: "error", detail: "CollectorTimeout: did not finish within 800 ms" });
    expect(lines.some((l) => l.includes("collector cycle failed"))).toBe(true);

    writeFakeBin(bin, "nvidia-smi", h100Cases());
    await scheduler.runOnce(scheduled);
    expect(scheduler.statuses()[0]).toMatchObject({ state: "ok", errorsTotal: 1 });
    expect(lines.some((l) => l.includes("collector recovered"))).toBe(true);
  });

  it("a hung call is killed at the per-call timeout too, naming the command", async () => {
    const bin = tempDir();
    const path = writeFakeBin(bin, "nvidia-smi", h100Cases({ sleepSeconds: 30 }));
    const started = performance.now();
    const err = await collect(collector({ nvidiaSmiPath: path, timeoutMs: 500 })).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toMatch(/--query-gpu=index,.* --format=csv,noheader,nounits: killed after 500 ms \(timeout\)$/);
  });
});
