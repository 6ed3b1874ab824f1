import { describe, expect, it } from "vitest";
import { parseSmiXml } from "../../../agent/collectors/gpu/parse-smi-xml.ts";
import { NvidiaSmiOutputError } from "../../../agent/collectors/gpu/smi-values.ts";
import { smiFixture } from "./smi-fixtures.ts";

const MIB = 1024 * 1024;

describe("parseSmiXml on real nvidia-smi -q -x output", () => {
  // file, driver, CUDA, [GPU uuid, process count] per <gpu>
  const CASES: Array<[string, string, string, Array<[string, number]>]> = [
    ["quadro-p400-1gpu-nodtd-driver418.43.xml", "418.43", "10.1", [["GPU-8f750be4-dfbc-23b9-b33f-da729a536494", 0]]],
    ["tesla-p100-pcie-16gb-1gpu-driver510.47.03.xml", "510.47.03", "11.6", [["GPU-d3da8716-eaab-75db-efc1-60e88e1cd55e", 0]]],
    ["a100-sxm4-40gb-1gpu-mig-2instances-driver510.47.03.xml", "510.47.03", "11.6", [["GPU-27b94a00-ed54-5c24-b1fd-1054085de32a", 0]]],
    ["a10g-1gpu-1process-driver515.105.01.xml", "515.105.01", "11.7", [["GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94", 1]]],
    ["tesla-t4-1gpu-2processes-driver515.105.01.xml", "515.105.01", "11.7", [["GPU-d37e67a5-91dd-3774-a5cb-99096249601a", 2]]],
    ["rtx-2080-windows-wddm-26processes-driver516.59.xml", "516.59", "11.7", [["GPU-fbd55ed4-1eec-4423-0a47-ad594b4333e3", 26]]],
    [
      "a100-sxm4-80gb-mig-enabled-4attached-1gpu-shown-driver535.54.03.xml",
      "535.54.03",
      "12.2",
      [["GPU-513536b6-7d19-9063-b049-1e69664bb298", 0]],
    ],
    ["rtx-3060-1gpu-driver570.124.04.xml", "570.124.04", "12.8", [["GPU-d6889ff6-2523-9142-ca3c-1ca3f396a625", 0]]],
    [
      "rtx-a5000-2gpu-2processes-driver590.44.01.xml",
      "590.44.01",
      "13.1",
      [
        ["GPU-12345678-aaaa-bbbb-cccc-0123456789ab", 1],
        ["GPU-12345678-aaaa-bbbb-cccc-0123456789cd", 1],
      ],
    ],
    [
      "rtx-pro-6000-blackwell-maxq-1gpu-1process-driver590.44.01.xml",
      "590.44.01",
      "13.1",
      [["GPU-12345678-aaaa-bbbb-cccc-0123456789ab", 1]],
    ],
    ["rtx-4000-sff-ada-4processes-driver595.84.xml", "595.84", "13.2", [["GPU-37037c3f-65c8-ec4d-24a9-420204ad8026", 4]]],
  ];

  it.each(CASES)("%s: driver %s, CUDA %s, its GPUs and process counts", (file, driver, cuda, gpus) => {
    const report = parseSmiXml(smiFixture(file));
    expect(report.driverVersion).toBe(driver);
    expect(report.cudaVersion).toBe(cuda);
    expect(report.gpus.map((g) => [g.uuid, g.processes.length])).toEqual(gpus);
  });

  it("A100 40GB in MIG mode (DTD v11): two MIG devices with their instance ids and memory", () => {
    const [gpu] = parseSmiXml(smiFixture("a100-sxm4-40gb-1gpu-mig-2instances-driver510.47.03.xml")).gpus;
    expect(gpu?.pciBusId).toBe("00000000:00:04.0");
    expect(gpu?.migMode).toBe("Enabled");
    expect(gpu?.migDevices).toEqual([
      { index: "0", gpuInstanceId: "1", computeInstanceId: "0", memoryTotalBytes: 19968 * MIB, memoryUsedBytes: 19 * MIB },
      { index: "1", gpuInstanceId: "2", computeInstanceId: "0", memoryTotalBytes: 19968 * MIB, memoryUsedBytes: 19 * MIB },
    ]);
  });

  it("A100 80GB in MIG mode (DTD v12): four MIG devices; the GPU's own uuid, not a device's", () => {
    const [gpu] = parseSmiXml(smiFixture("a100-sxm4-80gb-mig-enabled-4attached-1gpu-shown-driver535.54.03.xml")).gpus;
    expect(gpu?.uuid).toBe("GPU-513536b6-7d19-9063-b049-1e69664bb298");
    expect(gpu?.migDevices.map((d) => [d.index, d.gpuInstanceId, d.computeInstanceId, d.memoryUsedBytes])).toEqual([
      ["0", "3", "0", 12 * MIB],
      ["1", "4", "0", 12 * MIB],
      ["2", "5", "0", 12 * MIB],
      ["3", "6", "0", 12 * MIB],
    ]);
  });

  it("a GPU without MIG has no devices; MIG mode N/A, or absent on driver 418, is missing", () => {
    const t4 = parseSmiXml(smiFixture("tesla-t4-1gpu-2processes-driver515.105.01.xml")).gpus[0];
    expect(t4?.migDevices).toEqual([]);
    expect(t4?.migMode).toBeUndefined();
    expect(parseSmiXml(smiFixture("quadro-p400-1gpu-nodtd-driver418.43.xml")).gpus[0]?.migMode).toBeUndefined();
  });

  it("processes: type, name, memory; instance ids N/A outside MIG", () => {
    const [gpu] = parseSmiXml(smiFixture("rtx-4000-sff-ada-4processes-driver595.84.xml")).gpus;
    expect(gpu?.processes.map((p) => [p.pid, p.type, p.name, p.usedMemoryBytes])).toEqual([
      ["1842", "G", "cosmic-comp", 410 * MIB],
      ["3190", "G", "/usr/bin/code", 451 * MIB],
      ["4937", "C", "python", 160 * MIB],
      ["34626", "C+G", "/usr/lib/chromium/chromium", 183 * MIB],
    ]);
    expect(gpu?.processes[0]).toMatchObject({ gpuInstanceId: undefined, computeInstanceId: undefined });
  });

  it("the same process on two GPUs, each with its own memory (dual RTX A5000, DTD v13)", () => {
    const gpus = parseSmiXml(smiFixture("rtx-a5000-2gpu-2processes-driver590.44.01.xml")).gpus;
    expect(gpus.map((g) => [g.pciBusId, g.processes[0]?.pid, g.processes[0]?.usedMemoryBytes])).toEqual([
      ["00000000:81:00.0", "100477", 22430 * MIB],
      ["00000000:C1:00.0", "100477", 17246 * MIB],
    ]);
  });

  it("Windows WDDM: process memory N/A stays unknown", () => {
    const [gpu] = parseSmiXml(smiFixture("rtx-2080-windows-wddm-26processes-driver516.59.xml")).gpus;
    expect(gpu?.processes.every((p) => p.usedMemoryBytes === undefined)).toBe(true);
    expect(gpu?.processes[0]).toMatchObject({ pid: "7724", type: "C+G" });
  });

  it("the Blackwell card's 1650 supported-clock lines do not get in the way", () => {
    const [gpu] = parseSmiXml(smiFixture("rtx-pro-6000-blackwell-maxq-1gpu-1process-driver590.44.01.xml")).gpus;
    expect(gpu?.processes).toEqual([
      {
        pid: "116860",
        type: "C",
        name: "/root/src/llama.cpp/build/bin/llama-server",
        usedMemoryBytes: 65710 * MIB,
        gpuInstanceId: undefined,
        computeInstanceId: undefined,
      },
    ]);
  });
});

describe("parseSmiXml on bad output", () => {
  it("empty output and garbage are errors naming the command and what came", () => {
    expect(() => parseSmiXml("")).toThrow(NvidiaSmiOutputError);
    expect(() => parseSmiXml("")).toThrow('nvidia-smi -q -x: no <nvidia_smi_log> element (output starts "")');
    expect(() => parseSmiXml("Failed to initialize NVML: Driver/library version mismatch\n")).toThrow(
      'no <nvidia_smi_log> element (output starts "Failed to initialize NVML',
    );
  });

  it("a document cut off mid-way has no complete root: an error, not a partial report", () => {
    const text = smiFixture("tesla-t4-1gpu-2processes-driver515.105.01.xml");
    expect(() => parseSmiXml(text.slice(0, text.length / 2))).toThrow("no <nvidia_smi_log> element");
  });

  it("a malformed value names the GPU and the element", () => {
    // Hand-made from the T4 fixture: one process's pid replaced.
    const text = smiFixture("tesla-t4-1gpu-2processes-driver515.105.01.xml").replace("<pid>5762</pid>", "<pid>five</pid>");
    expect(() => parseSmiXml(text)).toThrow('nvidia-smi -q -x: GPU 00000000:00:1E.0: process_info 2: pid: expected a number, got "five"');
  });

  it("decodes XML entities in names (hand-made snippet: no fixture has one)", () => {
    const text =
      '<nvidia_smi_log><cuda_version>12.4</cuda_version><gpu id="00000000:01:00.0"><uuid>GPU-1</uuid><processes><process_info>' +
      "<pid>7</pid><type>C</type><process_name>/opt/a&amp;b/serve &lt;x&gt;</process_name><used_memory>5 MiB</used_memory>" +
      "</process_info></processes></gpu></nvidia_smi_log>";
    expect(parseSmiXml(text).gpus[0]?.processes[0]?.name).toBe("/opt/a&b/serve <x>");
  });
});
