import { describe, expect, it } from "vitest";
import { memoryReadings } from "../../../agent/collectors/system/memory.ts";
import { parseMeminfo } from "../../../agent/collectors/system/parse-meminfo.ts";
import { procFixture } from "./proc-fixtures.ts";

const KIB = 1024;

describe("memoryReadings", () => {
  it("derives used percent from MemTotal and MemAvailable (telegraf 16 GB host)", () => {
    const m = memoryReadings(parseMeminfo(procFixture("meminfo-16gb-host-telegraf.txt")));
    expect(m.totalBytes).toBe(16201888 * KIB);
    expect(m.availableBytes).toBe(14221924 * KIB);
    expect(m.usedPercent).toBeCloseTo(((16201888 - 14221924) / 16201888) * 100, 10);
    expect(m.usedPercent).toBeCloseTo(12.220576, 5);
    expect(m.swapTotalBytes).toBe(4194300 * KIB);
    expect(m.swapUsedBytes).toBe((4194300 - 4186844) * KIB);
  });

  it("reports no available or used percent without MemAvailable, but total and swap (node_exporter)", () => {
    const m = memoryReadings(parseMeminfo(procFixture("meminfo-3.7gb-no-memavailable-node-exporter.txt")));
    expect(m).toEqual({ totalBytes: 3742148 * KIB, swapTotalBytes: 4194300 * KIB, swapUsedBytes: (4194300 - 3155360) * KIB });
    expect(m).not.toHaveProperty("availableBytes");
    expect(m).not.toHaveProperty("usedPercent");
  });

  it("reports 0 swap used when there is no swap: SwapTotal and SwapFree are both really 0 (procfs)", () => {
    const m = memoryReadings(parseMeminfo(procFixture("meminfo-with-zswap-procfs.txt")));
    expect(m).toEqual({ totalBytes: 15666184 * KIB, swapTotalBytes: 0, swapUsedBytes: 0 });
  });

  it("derives used percent for the jc 4 GB VM", () => {
    const m = memoryReadings(parseMeminfo(procFixture("meminfo-4gb-vm-with-memavailable-jc.txt")));
    expect(m.usedPercent).toBeCloseTo(((3997272 - 3386876) / 3997272) * 100, 10);
    expect(m.swapUsedBytes).toBe(0);
  });

  it("reports nothing for what is absent", () => {
    expect(memoryReadings(new Map())).toEqual({});
    expect(memoryReadings(new Map([["SwapFree", 10]]))).toEqual({});
    expect(memoryReadings(new Map([["MemAvailable", 10]]))).toEqual({ availableBytes: 10 });
  });
});
