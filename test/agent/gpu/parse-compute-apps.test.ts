import { describe, expect, it } from "vitest";
import { parseComputeApps } from "../../../agent/collectors/gpu/parse-compute-apps.ts";
import { COMPUTE_APP_FIELDS } from "../../../agent/collectors/gpu/query-fields.ts";
import { NvidiaSmiOutputError } from "../../../agent/collectors/gpu/smi-values.ts";
import { csvFixture } from "./smi-fixtures.ts";

const MIB = 1024 * 1024;
const MASKED_UUID = "GPU-00000000-0000-0000-0000-000000000000";

function parseFixture(fileName: string) {
  const { fields, body } = csvFixture(fileName);
  return parseComputeApps(body, fields);
}

describe("parseComputeApps on real --query-compute-apps output", () => {
  it("H100 under load: three processes with their memory", () => {
    expect(parseFixture("h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv")).toEqual([
      { gpuUuid: MASKED_UUID, pid: "11327", processName: "/root/tools/memhog", usedMemoryBytes: 2566 * MIB },
      { gpuUuid: MASKED_UUID, pid: "11328", processName: "/root/tools/memhog", usedMemoryBytes: 1542 * MIB },
      { gpuUuid: MASKED_UUID, pid: "11345", processName: "./gpu_burn", usedMemoryBytes: 15690 * MIB },
    ]);
  });

  it("H100 in MIG mode: processes are listed under the parent GPU", () => {
    const apps = parseFixture("h100-mig-load-query-compute-apps-driver590.48.01.csv");
    expect(apps.map((a) => [a.pid, a.usedMemoryBytes])).toEqual([
      ["21180", 2296 * MIB],
      ["21181", 1272 * MIB],
      ["21198", 7484 * MIB],
    ]);
  });

  it("Windows (WDDM): twelve processes, paths with spaces, memory unknown ([N/A]) rather than 0", () => {
    const apps = parseFixture("rtx-2080-super-windows-load-query-compute-apps-driver591.86.csv");
    expect(apps).toHaveLength(12);
    expect(apps.every((a) => a.usedMemoryBytes === undefined)).toBe(true);
    expect(apps[4]).toEqual({
      gpuUuid: MASKED_UUID,
      pid: "20372",
      processName: "C:\\Program Files\\NZXT CAM\\NZXT CAM.exe",
      usedMemoryBytes: undefined,
    });
  });
});

describe("parseComputeApps on bad output", () => {
  it("no process: empty output", () => {
    expect(parseComputeApps("", COMPUTE_APP_FIELDS)).toEqual([]);
  });

  it("reads the collector's own field order, a comma in the process name included", () => {
    expect(parseComputeApps("GPU-1, 4242, 512, /opt/ollama/bin/ollama runner --model a,b\n", COMPUTE_APP_FIELDS)).toEqual([
      { gpuUuid: "GPU-1", pid: "4242", processName: "/opt/ollama/bin/ollama runner --model a, b", usedMemoryBytes: 512 * MIB },
    ]);
  });

  it("garbage names the line and the field", () => {
    expect(() => parseComputeApps("GPU-1, abc, 512, python\n", COMPUTE_APP_FIELDS)).toThrow(NvidiaSmiOutputError);
    expect(() => parseComputeApps("GPU-1, abc, 512, python\n", COMPUTE_APP_FIELDS)).toThrow(
      'nvidia-smi --query-compute-apps: line 1: pid: expected a number, got "abc"',
    );
    expect(() => parseComputeApps("GPU-1, 12, lots, python\n", COMPUTE_APP_FIELDS)).toThrow("line 1: used_gpu_memory: expected a number");
    expect(() => parseComputeApps("No running processes found\n", COMPUTE_APP_FIELDS)).toThrow("line 1 has 1 values for 4 fields");
  });

  it("refuses a field list it cannot read", () => {
    expect(() => parseComputeApps("", ["pid", "process_name"])).toThrow("the field list lacks gpu_uuid");
  });
});
