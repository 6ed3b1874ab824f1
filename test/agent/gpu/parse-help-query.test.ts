import { describe, expect, it } from "vitest";
import { parseHelpQueryGpu } from "../../../agent/collectors/gpu/parse-help-query.ts";
import { NvidiaSmiOutputError } from "../../../agent/collectors/gpu/smi-values.ts";
import { csvFixture, smiFixture } from "./smi-fixtures.ts";

const HELP = "h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt";

describe("parseHelpQueryGpu", () => {
  it("reads every field name and alias of driver 590's --help-query-gpu", () => {
    const names = parseHelpQueryGpu(smiFixture(HELP));
    // 212 fields; 42 have an alias, one of which repeats the name ("clocks.max.sm" or "clocks.max.sm").
    expect(names.size).toBe(212 + 41);
    for (const name of ["timestamp", "index", "uuid", "gpu_uuid", "pstate", "temperature.gpu", "temperature.memory", "hostname"]) {
      expect(names).toContain(name);
    }
    // The renamed throttle fields and their old names are both offered by this driver.
    expect(names).toContain("clocks_event_reasons.active");
    expect(names).toContain("clocks_throttle_reasons.active");
    expect(names).toContain("enforced.power.limit");
    expect(names).toContain("gpu.power.current_limit");
    expect(names).toContain("clocks.gr");
  });

  it("takes no description line for a name, even one that quotes values", () => {
    const names = [...parseHelpQueryGpu(smiFixture(HELP))];
    // `"0: Default" means multiple contexts are allowed per device.` and the timestamp format are prose.
    expect(names.filter((n) => /\s/.test(n) || n.includes(":") || n.includes("/"))).toEqual([]);
    expect(names).not.toContain("Enabled");
    expect(names).not.toContain("N/A");
  });

  it("offers every column the same H100 and driver printed for --query-gpu of all its fields", () => {
    const names = parseHelpQueryGpu(smiFixture(HELP));
    const { fields } = csvFixture("h100-80gb-hbm3-load-allfields-driver590.48.01.csv");
    expect(fields).toHaveLength(212);
    expect(fields.filter((f) => !names.has(f))).toEqual([]);
  });

  it("refuses empty output and garbage, saying what it got", () => {
    expect(() => parseHelpQueryGpu("")).toThrow(NvidiaSmiOutputError);
    expect(() => parseHelpQueryGpu("")).toThrow(/nvidia-smi --help-query-gpu: no field names found/);
    expect(() => parseHelpQueryGpu("Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n")).toThrow(
      /no field names found \(output starts "Invalid combination of input arguments/,
    );
  });
});
