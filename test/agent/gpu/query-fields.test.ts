import { describe, expect, it } from "vitest";
import { parseHelpQueryGpu } from "../../../agent/collectors/gpu/parse-help-query.ts";
import { GPU_FIELDS, selectGpuFields } from "../../../agent/collectors/gpu/query-fields.ts";
import { smiFixture } from "./smi-fixtures.ts";

const HELP_590 = smiFixture("h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt");

/**
 * The 590 help as an older driver (before the clocks_event_reasons rename, without HBM temperature)
 * would print it: hand-edited from the real help by removing the new names, for the selection logic.
 */
const HELP_OLDER = HELP_590.replaceAll(/"clocks_event_reasons\.(\w+)" or /g, "").replace('"temperature.memory"\n', "");

describe("selectGpuFields", () => {
  it("asks driver 590 for each field's current name", () => {
    const selection = selectGpuFields(parseHelpQueryGpu(HELP_590), new Set());
    expect(selection.map(([, name]) => name)).toEqual([
      "index",
      "uuid",
      "driver_version",
      "persistence_mode",
      "pstate",
      "temperature.gpu",
      "temperature.memory",
      "power.draw",
      "enforced.power.limit",
      "utilization.gpu",
      "utilization.memory",
      "memory.total",
      "memory.used",
      "fan.speed",
      "clocks.current.graphics",
      "clocks.current.sm",
      "clocks.current.memory",
      "clocks.current.video",
      "clocks.max.graphics",
      "clocks.max.sm",
      "clocks.max.memory",
      "clocks_event_reasons.supported",
      "clocks_event_reasons.active",
      "ecc.mode.current",
      "ecc.errors.corrected.volatile.total",
      "ecc.errors.uncorrected.volatile.total",
      "ecc.errors.corrected.aggregate.total",
      "ecc.errors.uncorrected.aggregate.total",
      "mig.mode.current",
      "name",
    ]);
    expect(selection).toHaveLength(Object.keys(GPU_FIELDS).length);
  });

  it("asks an older driver for the old throttle names and leaves out what it lacks", () => {
    const selection = new Map(selectGpuFields(parseHelpQueryGpu(HELP_OLDER), new Set()));
    expect(selection.get("throttleSupported")).toBe("clocks_throttle_reasons.supported");
    expect(selection.get("throttleActive")).toBe("clocks_throttle_reasons.active");
    expect(selection.has("memoryTemperature")).toBe(false);
    expect(selection.get("temperature")).toBe("temperature.gpu");
  });

  it("without the driver's list asks every first name, and moves past refused ones", () => {
    const all = selectGpuFields(undefined, new Set());
    expect(all.map(([, name]) => name)).toEqual(Object.values(GPU_FIELDS).map((names) => names[0]));
    const after = new Map(
      selectGpuFields(undefined, new Set(["enforced.power.limit", "temperature.memory", "clocks_event_reasons.active"])),
    );
    expect(after.get("powerLimit")).toBe("power.limit");
    expect(after.get("throttleActive")).toBe("clocks_throttle_reasons.active");
    expect(after.has("memoryTemperature")).toBe(false);
  });

  it("fails when the GPUs could no longer be told apart", () => {
    expect(() => selectGpuFields(undefined, new Set(["uuid", "gpu_uuid"]))).toThrow(
      'this nvidia-smi offers none of "uuid", "gpu_uuid" in --query-gpu; cannot tell GPUs apart',
    );
  });
});
