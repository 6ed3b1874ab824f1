import { describe, expect, it } from "vitest";
import { parseShowBlocks } from "../../../agent/collectors/units/parse-show.ts";
import { unitObservations } from "../../../agent/collectors/units/samples.ts";
import { unitStatus } from "../../../agent/collectors/units/unit-status.ts";
import { UNITS_CATALOG } from "../../../shared/metrics/units.ts";
import { systemdFixture } from "./systemd-fixtures.ts";

/** One minute after the capture's services started (2026-11-23 16:48:00 UTC). */
const NOW = 1_795_452_540_000;

const STATUSES = parseShowBlocks(systemdFixture("systemctl-show-p-11props-timestamp-unix-11-units-systemd252.txt")).map((b) =>
  unitStatus(b),
);

describe("unitObservations", () => {
  const obs = unitObservations(STATUSES, 3, NOW);
  const statesOf = (unit: string) =>
    Object.fromEntries(obs.states.filter((s) => s.labels.unit === unit).map((s) => [s.name.replace("vigil_unit_", ""), s.state]));
  const samplesOf = (unit: string) =>
    Object.fromEntries(obs.samples.filter((s) => s.labels.unit === unit).map((s) => [s.name.replace("vigil_unit_", ""), s.value]));

  it("gives each unit its states as values, labelled with the full unit name", () => {
    expect(statesOf("vllm.service")).toEqual({
      load_state: "loaded",
      active_state: "failed",
      sub_state: "failed",
      result: "exit-code",
      file_state: "static",
    });
    expect(statesOf("comfyui.service")).toMatchObject({ active_state: "activating", sub_state: "start-pre" });
    expect(statesOf("old-runner.service")).toMatchObject({ load_state: "masked", file_state: "masked" });
  });

  it("reports a unit that does not exist as not-found, with no result and no numbers", () => {
    expect(statesOf("ollama-rocm.service")).toEqual({ load_state: "not-found", active_state: "inactive", sub_state: "dead" });
    expect(samplesOf("ollama-rocm.service")).toEqual({});
  });

  it("gives restarts, exit status and ages only where systemd has them", () => {
    expect(samplesOf("vllm.service")).toEqual({
      restarts_total: 3,
      exec_main_status: 1,
      active_enter_age_seconds: 57,
      exec_main_exit_age_seconds: 57,
    });
    expect(samplesOf("gpu-exporter.service")).toEqual({
      restarts_total: 0,
      exec_main_status: 9,
      active_enter_age_seconds: 55,
      exec_main_exit_age_seconds: 54,
    });
    expect(samplesOf("ollama-gpu.service")).toEqual({ restarts_total: 0, active_enter_age_seconds: 60 });
    // The timer-driven oneshot: its last run ended 59 s ago with status 0.
    expect(samplesOf("recommender.service")).toEqual({ restarts_total: 0, exec_main_status: 0, exec_main_exit_age_seconds: 59 });
    expect(samplesOf("comfyui.service")).toEqual({ restarts_total: 0 });
    expect(samplesOf("recommender.timer")).toEqual({ active_enter_age_seconds: 60 });
  });

  it("counts the host's failed units in one unlabelled series, and leaves it out when not asked", () => {
    expect(obs.samples.filter((s) => s.name === "vigil_units_failed")).toEqual([
      { name: "vigil_units_failed", labels: {}, timestamp: NOW, value: 3 },
    ]);
    expect(unitObservations(STATUSES, undefined, NOW).samples.some((s) => s.name === "vigil_units_failed")).toBe(false);
    expect(unitObservations([], 0, NOW)).toEqual({
      samples: [{ name: "vigil_units_failed", labels: {}, timestamp: NOW, value: 0 }],
      states: [],
    });
  });

  it("stamps everything with the cycle's time and emits only catalog names", () => {
    const series = new Set<string>(Object.values(UNITS_CATALOG.series).map((s) => s.name));
    const states = new Set<string>(Object.values(UNITS_CATALOG.states).map((s) => s.name));
    expect(obs.samples.every((s) => series.has(s.name) && s.timestamp === NOW)).toBe(true);
    expect(obs.states.every((s) => states.has(s.name) && s.timestamp === NOW)).toBe(true);
    // Five states for each of the 9 services and the timer, three for the unit that was not found.
    expect(obs.states).toHaveLength(10 * 5 + 3);
  });

  it("never gives a negative age when systemd's clock is a little ahead of the cycle's", () => {
    const [gpu] = STATUSES;
    const early = unitObservations([gpu as (typeof STATUSES)[number]], undefined, 1_795_452_479_000);
    expect(early.samples.find((s) => s.name === "vigil_unit_active_enter_age_seconds")?.value).toBe(0);
  });
});
