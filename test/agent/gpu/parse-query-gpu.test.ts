import { describe, expect, it } from "vitest";
import { parseQueryGpu } from "../../../agent/collectors/gpu/parse-query-gpu.ts";
import { NvidiaSmiOutputError } from "../../../agent/collectors/gpu/smi-values.ts";
import { csvFixture, selectionFromHeader } from "./smi-fixtures.ts";

const MIB = 1024 * 1024;
const MASKED_UUID = "GPU-00000000-0000-0000-0000-000000000000";

/** Parses a CSV fixture as the collector would have, had it asked that driver for the fields in the header. */
function parseFixture(fileName: string) {
  const { fields, body } = csvFixture(fileName);
  return parseQueryGpu(body, fields, selectionFromHeader(fields));
}

describe("parseQueryGpu on real --query-gpu output", () => {
  it("H100 under load (driver 590, 212 columns): every reading, units stripped, [N/A] fan missing", () => {
    expect(parseFixture("h100-80gb-hbm3-load-allfields-driver590.48.01.csv")).toEqual([
      {
        index: "0",
        uuid: MASKED_UUID,
        name: "NVIDIA H100 80GB HBM3",
        driverVersion: "590.48.01",
        persistenceMode: "Enabled",
        performanceState: 0,
        temperatureCelsius: 59,
        memoryTemperatureCelsius: 54,
        powerDrawWatts: 631.95,
        powerLimitWatts: 700,
        utilizationPercent: 100,
        memoryUtilizationPercent: 11,
        memoryTotalBytes: 81559 * MIB,
        memoryUsedBytes: 19818 * MIB,
        fanSpeedPercent: undefined,
        clocksMhz: { graphics: 1980, sm: 1980, memory: 2619, video: 1545 },
        maxClocksMhz: { graphics: 1980, sm: 1980, memory: 2619 },
        throttleSupported: 0x1ffn,
        throttleActive: 0n,
        eccMode: "Enabled",
        eccErrors: { correctedVolatile: 0, uncorrectedVolatile: 0, correctedAggregate: 0, uncorrectedAggregate: 0 },
        migMode: "Disabled",
      },
    ]);
  });

  it("H100 in MIG mode: utilization is [N/A] (no sample), the GPU is idle (throttle bit 0)", () => {
    const [gpu] = parseFixture("h100-mig-enabled-idle-allfields-driver590.48.01.csv");
    expect(gpu).toMatchObject({ migMode: "Enabled", temperatureCelsius: 42, powerDrawWatts: 71.15, memoryUsedBytes: 59 * MIB });
    expect(gpu?.utilizationPercent).toBeUndefined();
    expect(gpu?.memoryUtilizationPercent).toBeUndefined();
    expect(gpu?.throttleActive).toBe(1n);
    expect(gpu?.clocksMhz).toEqual({ graphics: 345, sm: 345, memory: 2619, video: 765 });
  });

  it("H200 under load", () => {
    expect(parseFixture("h200-load-allfields-driver590.48.01.csv")[0]).toMatchObject({
      name: "NVIDIA H200",
      temperatureCelsius: 52,
      memoryTemperatureCelsius: 40,
      powerDrawWatts: 627.4,
      memoryTotalBytes: 143771 * MIB,
      memoryUsedBytes: 32362 * MIB,
      maxClocksMhz: { graphics: 1980, sm: 1980, memory: 3201 },
    });
  });

  it("L40S (driver 595, a different field list): bare N/A memory temperature is missing, not 0", () => {
    const [gpu] = parseFixture("l40s-load-allfields-driver595.80.csv");
    expect(gpu).toMatchObject({ driverVersion: "595.80", persistenceMode: "Disabled", powerDrawWatts: 110.23, powerLimitWatts: 350 });
    expect(gpu?.memoryTemperatureCelsius).toBeUndefined();
    expect(gpu?.migMode).toBeUndefined();
  });

  it("RTX 4080 SUPER idle on Linux: a real 0 % fan stays 0; no ECC means no ECC readings", () => {
    const [gpu] = parseFixture("rtx-4080-super-linux-idle-allfields-driver595.71.05.csv");
    expect(gpu).toMatchObject({ performanceState: 8, fanSpeedPercent: 0, utilizationPercent: 0, memoryUtilizationPercent: 23 });
    expect(gpu?.eccMode).toBeUndefined();
    expect(gpu?.eccErrors).toEqual({});
    expect(gpu?.maxClocksMhz).toEqual({ graphics: 3165, sm: 3165, memory: 11501 });
  });

  it("RTX 2080 SUPER on Windows: fan 38 %, P2, no persistence mode", () => {
    const [gpu] = parseFixture("rtx-2080-super-windows-load-allfields-driver591.86.csv");
    expect(gpu).toMatchObject({ performanceState: 2, fanSpeedPercent: 38, temperatureCelsius: 45, powerLimitWatts: 250 });
    expect(gpu?.persistenceMode).toBeUndefined();
    expect(gpu?.eccErrors).toEqual({});
  });

  it("maps columns by the field list, whatever its order: two GPUs of a short custom list", () => {
    // Row 2 of this fixture was hand-made by the exporter's authors (see SOURCES.md).
    const gpus = parseFixture("rtx-2080-super-windows-wddm-plus-handmade-row-driver466.63.csv");
    expect(gpus.map((g) => [g.index, g.uuid, g.name, g.driverVersion, g.fanSpeedPercent, g.memoryUsedBytes])).toEqual([
      ["0", "GPU-df6e7a7c-7314-46f8-abc4-b88b36dcf3aa", "NVIDIA GeForce RTX 2080 SUPER", "466.63", 38, 575 * MIB],
      ["1", "GPU-04757e3e-3077-4e2e-b988-7e2d647b52e9", "Some Other GPU", "123.45", 50, 1234 * MIB],
    ]);
    expect(gpus[0]?.temperatureCelsius).toBeUndefined();
  });

  it("reads nounits values (Netdata's P100 sample); without an index column the row position is the index", () => {
    const [gpu] = parseFixture("tesla-p100-pcie-16gb-netdata-fields-driver510.csv");
    expect(gpu).toMatchObject({
      index: "0",
      name: "Tesla P100-PCIE-16GB",
      performanceState: 0,
      temperatureCelsius: 37,
      powerDrawWatts: 28.16,
      utilizationPercent: 0,
      memoryUsedBytes: 0,
      clocksMhz: { graphics: 405, sm: 405, memory: 715, video: 835 },
    });
    expect(gpu?.fanSpeedPercent).toBeUndefined();
  });
});

describe("parseQueryGpu on bad output", () => {
  const selection = [
    ["index", "index"],
    ["uuid", "uuid"],
    ["temperature", "temperature.gpu"],
    ["pstate", "pstate"],
    ["name", "name"],
  ] as const;
  const fields = selection.map(([, name]) => name);

  it("empty output lists no GPU", () => {
    expect(parseQueryGpu("", fields, selection)).toEqual([]);
    expect(parseQueryGpu("\n", fields, selection)).toEqual([]);
  });

  it("a value that is not a number names the GPU and the field", () => {
    expect(() => parseQueryGpu("0, GPU-1, hot, P0, X\n", fields, selection)).toThrow(NvidiaSmiOutputError);
    expect(() => parseQueryGpu("0, GPU-1, hot, P0, X\n", fields, selection)).toThrow(
      'nvidia-smi --query-gpu: GPU 0: temperature.gpu: expected a number, got "hot"',
    );
    expect(() => parseQueryGpu("0, GPU-1, 40, Q3, X\n", fields, selection)).toThrow("GPU 0: pstate: expected P0 to P15");
    expect(() => parseQueryGpu("first, GPU-1, 40, P0, X\n", fields, selection)).toThrow('row 1: index: expected a number, got "first"');
  });

  it("a short line names the line; text that is not CSV at all fails the same way", () => {
    expect(() => parseQueryGpu("0, GPU-1, 40, P0, X\n1, GPU-2\n", fields, selection)).toThrow(
      'nvidia-smi --query-gpu: line 2 has 2 values for 5 fields: "1, GPU-2"',
    );
    expect(() => parseQueryGpu("<html>oops</html>\n", fields, selection)).toThrow("line 1 has 1 values for 5 fields");
  });

  it("gives a comma inside the last field (the name) back to it", () => {
    const [gpu] = parseQueryGpu("0, GPU-1, 40, P0, Acme GPU, rev. 2\n", fields, selection);
    expect(gpu?.name).toBe("Acme GPU, rev. 2");
  });
});
