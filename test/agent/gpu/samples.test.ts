import { describe, expect, it } from "vitest";
import { checkObservations } from "../../../agent/collectors/check-observations.ts";
import { parseComputeApps } from "../../../agent/collectors/gpu/parse-compute-apps.ts";
import { parseQueryGpu } from "../../../agent/collectors/gpu/parse-query-gpu.ts";
import { parseSmiXml } from "../../../agent/collectors/gpu/parse-smi-xml.ts";
import { GpuSampleBuilder, throttleReasons } from "../../../agent/collectors/gpu/samples.ts";
import { GPU_CATALOG } from "../../../shared/metrics/gpu.ts";
import { csvFixture, selectionFromHeader, smiFixture } from "./smi-fixtures.ts";

const T0 = 1_767_225_600_000;
const MIB = 1024 * 1024;
const H100 = { gpu: "0", uuid: "GPU-00000000-0000-0000-0000-000000000000", name: "NVIDIA H100 80GB HBM3" };

function gpusOf(fileName: string) {
  const { fields, body } = csvFixture(fileName);
  return parseQueryGpu(body, fields, selectionFromHeader(fields));
}

function appsOf(fileName: string) {
  const { fields, body } = csvFixture(fileName);
  return parseComputeApps(body, fields);
}

function valueOf(out: GpuSampleBuilder, name: string, labels: Record<string, string>) {
  return out.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
}

describe("GpuSampleBuilder.gpu", () => {
  const out = new GpuSampleBuilder(T0);
  for (const gpu of gpusOf("h100-80gb-hbm3-load-allfields-driver590.48.01.csv")) out.gpu(gpu, "13.1");

  it("emits the H100's readings in base units, labelled gpu, uuid and name", () => {
    const byName = new Map(out.samples.filter((s) => Object.keys(s.labels).length === 3).map((s) => [s.name, s]));
    expect(byName.get("vigil_gpu_temperature_celsius")).toEqual({
      name: "vigil_gpu_temperature_celsius",
      labels: H100,
      timestamp: T0,
      value: 59,
    });
    expect(byName.get("vigil_gpu_memory_temperature_celsius")?.value).toBe(54);
    expect(byName.get("vigil_gpu_power_draw_watts")?.value).toBe(631.95);
    expect(byName.get("vigil_gpu_power_limit_watts")?.value).toBe(700);
    expect(byName.get("vigil_gpu_utilization_percent")?.value).toBe(100);
    expect(byName.get("vigil_gpu_memory_utilization_percent")?.value).toBe(11);
    expect(byName.get("vigil_gpu_memory_total_bytes")?.value).toBe(81559 * MIB);
    expect(byName.get("vigil_gpu_memory_used_bytes")?.value).toBe(19818 * MIB);
    expect(byName.get("vigil_gpu_performance_state")?.value).toBe(0);
    expect(byName.get("vigil_gpu_ecc_errors_uncorrected_volatile_total")?.value).toBe(0);
    expect(byName.get("vigil_gpu_ecc_errors_corrected_aggregate_total")?.value).toBe(0);
    expect(byName.has("vigil_gpu_fan_speed_percent")).toBe(false);
  });

  it("clocks in hertz, one series per clock domain", () => {
    expect(valueOf(out, "vigil_gpu_clock_hertz", { clock: "graphics" })).toEqual([1_980_000_000]);
    expect(valueOf(out, "vigil_gpu_clock_hertz", { clock: "memory" })).toEqual([2_619_000_000]);
    expect(valueOf(out, "vigil_gpu_clock_hertz", { clock: "video" })).toEqual([1_545_000_000]);
    expect(valueOf(out, "vigil_gpu_clock_max_hertz", { clock: "sm" })).toEqual([1_980_000_000]);
    expect(valueOf(out, "vigil_gpu_clock_max_hertz", { clock: "video" })).toEqual([]);
  });

  it("one throttle series per supported reason: all nine 0 under full load", () => {
    const throttle = out.samples.filter((s) => s.name === "vigil_gpu_throttle_reason_active");
    expect(throttle.map((s) => [s.labels.reason, s.value])).toEqual([
      ["gpu_idle", 0],
      ["applications_clocks_setting", 0],
      ["sw_power_cap", 0],
      ["hw_slowdown", 0],
      ["sync_boost", 0],
      ["sw_thermal_slowdown", 0],
      ["hw_thermal_slowdown", 0],
      ["hw_power_brake_slowdown", 0],
      ["display_clocks_setting", 0],
    ]);
  });

  it("states: driver and CUDA versions, MIG, ECC and persistence modes", () => {
    expect(out.states.map((s) => [s.name, s.state])).toEqual([
      ["vigil_gpu_driver_version", "590.48.01"],
      ["vigil_gpu_cuda_version", "13.1"],
      ["vigil_gpu_mig_mode", "Disabled"],
      ["vigil_gpu_ecc_mode", "Enabled"],
      ["vigil_gpu_persistence_mode", "Enabled"],
    ]);
    expect(out.states.every((s) => s.timestamp === T0 && s.labels.gpu === "0")).toBe(true);
  });

  it("emits only catalog names, each with the catalog's labels, all accepted by the wire schema", () => {
    const series = new Map<string, readonly string[]>(Object.values(GPU_CATALOG.series).map((s) => [s.name, s.labels]));
    const states = new Map<string, readonly string[]>(Object.values(GPU_CATALOG.states).map((s) => [s.name, s.labels]));
    for (const s of out.samples) expect(Object.keys(s.labels).sort()).toEqual([...(series.get(s.name) ?? ["not in catalog"])].sort());
    for (const s of out.states) expect(Object.keys(s.labels).sort()).toEqual([...(states.get(s.name) ?? ["not in catalog"])].sort());
    expect(checkObservations({ samples: out.samples, states: out.states }).dropped).toEqual([]);
  });

  it("an idle MIG GPU: no utilization sample, gpu_idle active", () => {
    const mig = new GpuSampleBuilder(T0);
    for (const gpu of gpusOf("h100-mig-enabled-idle-allfields-driver590.48.01.csv")) mig.gpu(gpu, undefined);
    expect(valueOf(mig, "vigil_gpu_utilization_percent", {})).toEqual([]);
    expect(valueOf(mig, "vigil_gpu_throttle_reason_active", { reason: "gpu_idle" })).toEqual([1]);
    expect(valueOf(mig, "vigil_gpu_throttle_reason_active", { reason: "sw_power_cap" })).toEqual([0]);
    expect(mig.states.find((s) => s.name === "vigil_gpu_mig_mode")?.state).toBe("Enabled");
    expect(mig.states.some((s) => s.name === "vigil_gpu_cuda_version")).toBe(false);
  });

  it("a consumer card: fan 0 % is a sample, absent ECC gives no ECC series or state", () => {
    const rtx = new GpuSampleBuilder(T0);
    for (const gpu of gpusOf("rtx-4080-super-linux-idle-allfields-driver595.71.05.csv")) rtx.gpu(gpu, undefined);
    expect(valueOf(rtx, "vigil_gpu_fan_speed_percent", {})).toEqual([0]);
    expect(rtx.samples.filter((s) => s.name.startsWith("vigil_gpu_ecc_"))).toEqual([]);
    expect(rtx.states.map((s) => s.name)).toEqual(["vigil_gpu_driver_version", "vigil_gpu_persistence_mode"]);
  });
});

describe("throttleReasons", () => {
  it("reports only supported reasons, and nothing without the active mask", () => {
    // sw_power_cap (0x4) and hw_thermal_slowdown (0x40) active; only bits 0-7 supported.
    expect(throttleReasons(0xffn, 0x44n).filter(([, active]) => active)).toEqual([
      ["sw_power_cap", true],
      ["hw_thermal_slowdown", true],
    ]);
    expect(throttleReasons(0xffn, 0x44n)).toHaveLength(8);
    expect(throttleReasons(0x5n, 0x4n)).toEqual([
      ["gpu_idle", false],
      ["sw_power_cap", true],
    ]);
    expect(throttleReasons(undefined, 0n)).toHaveLength(9);
    expect(throttleReasons(0x1ffn, undefined)).toEqual([]);
  });
});

describe("GpuSampleBuilder.processes", () => {
  it("counts each GPU's compute processes and reports their memory", () => {
    const out = new GpuSampleBuilder(T0);
    out.processes(
      gpusOf("h100-80gb-hbm3-load-allfields-driver590.48.01.csv"),
      appsOf("h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv"),
    );
    expect(valueOf(out, "vigil_gpu_processes", H100)).toEqual([3]);
    expect(out.samples.filter((s) => s.name === "vigil_gpu_process_used_memory_bytes").map((s) => [s.labels, s.value])).toEqual([
      [{ gpu: "0", uuid: H100.uuid, pid: "11327", process: "/root/tools/memhog" }, 2566 * MIB],
      [{ gpu: "0", uuid: H100.uuid, pid: "11328", process: "/root/tools/memhog" }, 1542 * MIB],
      [{ gpu: "0", uuid: H100.uuid, pid: "11345", process: "./gpu_burn" }, 15690 * MIB],
    ]);
  });

  it("Windows: twelve processes counted, no memory sample where the driver cannot tell", () => {
    const out = new GpuSampleBuilder(T0);
    out.processes(
      gpusOf("rtx-2080-super-windows-load-allfields-driver591.86.csv"),
      appsOf("rtx-2080-super-windows-load-query-compute-apps-driver591.86.csv"),
    );
    expect(valueOf(out, "vigil_gpu_processes", { gpu: "0" })).toEqual([12]);
    expect(out.samples.filter((s) => s.name === "vigil_gpu_process_used_memory_bytes")).toEqual([]);
  });

  it("a GPU with no process counts 0; a process of an unlisted GPU is left out", () => {
    const out = new GpuSampleBuilder(T0);
    out.processes(gpusOf("rtx-2080-super-windows-wddm-plus-handmade-row-driver466.63.csv"), [
      { gpuUuid: "GPU-df6e7a7c-7314-46f8-abc4-b88b36dcf3aa", pid: "10", processName: "a", usedMemoryBytes: MIB },
      { gpuUuid: "GPU-gone", pid: "11", processName: "b", usedMemoryBytes: MIB },
    ]);
    expect(out.samples.filter((s) => s.name === "vigil_gpu_processes").map((s) => [s.labels.gpu, s.value])).toEqual([
      ["0", 1],
      ["1", 0],
    ]);
    expect(out.samples.filter((s) => s.name === "vigil_gpu_process_used_memory_bytes").map((s) => s.labels.pid)).toEqual(["10"]);
  });
});

describe("GpuSampleBuilder.mig", () => {
  it("reports each MIG device under the GPU of the same uuid", () => {
    const xml = parseSmiXml(smiFixture("a100-sxm4-40gb-1gpu-mig-2instances-driver510.47.03.xml"));
    // The CSV readings of the MIG H100, given the A100's uuid: no capture has both outputs of one machine.
    const gpus = gpusOf("h100-mig-enabled-idle-allfields-driver590.48.01.csv").map((g) => ({ ...g, uuid: xml.gpus[0]?.uuid }));
    const out = new GpuSampleBuilder(T0);
    out.mig(gpus, xml.gpus);
    const labels = { gpu: "0", uuid: "GPU-27b94a00-ed54-5c24-b1fd-1054085de32a", name: "NVIDIA H100 80GB HBM3" };
    expect(out.samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ["vigil_gpu_mig_memory_total_bytes", { ...labels, mig: "0", gpu_instance: "1", compute_instance: "0" }, 19968 * MIB],
      ["vigil_gpu_mig_memory_used_bytes", { ...labels, mig: "0", gpu_instance: "1", compute_instance: "0" }, 19 * MIB],
      ["vigil_gpu_mig_processes", { ...labels, mig: "0", gpu_instance: "1", compute_instance: "0" }, 0],
      ["vigil_gpu_mig_memory_total_bytes", { ...labels, mig: "1", gpu_instance: "2", compute_instance: "0" }, 19968 * MIB],
      ["vigil_gpu_mig_memory_used_bytes", { ...labels, mig: "1", gpu_instance: "2", compute_instance: "0" }, 19 * MIB],
      ["vigil_gpu_mig_processes", { ...labels, mig: "1", gpu_instance: "2", compute_instance: "0" }, 0],
    ]);
    expect(checkObservations({ samples: out.samples, states: [] }).dropped).toEqual([]);
  });

  it("counts processes by their instance ids", () => {
    const xml = parseSmiXml(smiFixture("a100-sxm4-80gb-mig-enabled-4attached-1gpu-shown-driver535.54.03.xml"));
    const [xmlGpu] = xml.gpus;
    if (xmlGpu === undefined) throw new Error("fixture has no GPU");
    // Hand-made: two processes in instance (gi 4, ci 0), one in (gi 6, ci 0); the fixture has none.
    const process = (pid: string, gi: string) => ({
      pid,
      type: "C",
      name: "python",
      usedMemoryBytes: MIB,
      gpuInstanceId: gi,
      computeInstanceId: "0",
    });
    const withProcesses = { ...xmlGpu, processes: [process("1", "4"), process("2", "4"), process("3", "6")] };
    const gpus = gpusOf("h100-mig-enabled-idle-allfields-driver590.48.01.csv").map((g) => ({ ...g, uuid: xmlGpu.uuid }));
    const out = new GpuSampleBuilder(T0);
    out.mig(gpus, [withProcesses]);
    expect(out.samples.filter((s) => s.name === "vigil_gpu_mig_processes").map((s) => [s.labels.mig, s.value])).toEqual([
      ["0", 0],
      ["1", 2],
      ["2", 0],
      ["3", 1],
    ]);
  });

  it("leaves out the devices of a GPU the query did not list", () => {
    const xml = parseSmiXml(smiFixture("a100-sxm4-40gb-1gpu-mig-2instances-driver510.47.03.xml"));
    const out = new GpuSampleBuilder(T0);
    out.mig(gpusOf("h100-mig-enabled-idle-allfields-driver590.48.01.csv"), xml.gpus);
    expect(out.samples).toEqual([]);
  });
});
