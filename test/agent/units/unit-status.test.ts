import { describe, expect, it } from "vitest";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { parseShowBlocks } from "../../../agent/collectors/units/parse-show.ts";
import { unitStatus } from "../../../agent/collectors/units/unit-status.ts";
import { systemdFixture } from "./systemd-fixtures.ts";

/** Seconds since the epoch of the systemd 252 fixtures' timestamps (2026-11-23 16:48:00 UTC and on). */
const at = (unixSeconds: number) => unixSeconds * 1000;

function statuses(fixture: string, localTime?: Parameters<typeof unitStatus>[2]) {
  return parseShowBlocks(systemdFixture(fixture)).map((block) => unitStatus(block, undefined, localTime));
}

/** What the 11 units of the systemd 252 capture are, whichever timestamp style printed them. */
const EXPECTED_252 = [
  {
    unit: "ollama-gpu.service",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    unitFileState: "enabled",
    result: "success",
    restarts: 0,
    activeEnteredAt: at(1795452480),
  },
  {
    unit: "ollama-cpu.service",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    unitFileState: "enabled",
    result: "success",
    restarts: 0,
    activeEnteredAt: at(1795452480),
  },
  {
    unit: "postgresql.service",
    loadState: "loaded",
    activeState: "active",
    subState: "running",
    unitFileState: "enabled",
    result: "success",
    restarts: 0,
    activeEnteredAt: at(1795452480),
  },
  // A timer's oneshot never enters "active": its last run is told by the main process's exit.
  {
    unit: "recommender.service",
    loadState: "loaded",
    activeState: "inactive",
    subState: "dead",
    unitFileState: "static",
    result: "success",
    restarts: 0,
    execMainStatus: 0,
    execMainExitedAt: at(1795452481),
  },
  {
    unit: "model-sync.service",
    loadState: "loaded",
    activeState: "failed",
    subState: "failed",
    unitFileState: "static",
    result: "exit-code",
    restarts: 0,
    execMainStatus: 3,
    execMainExitedAt: at(1795452481),
  },
  {
    unit: "vllm.service",
    loadState: "loaded",
    activeState: "failed",
    subState: "failed",
    unitFileState: "static",
    result: "exit-code",
    restarts: 3,
    execMainStatus: 1,
    activeEnteredAt: at(1795452483),
    execMainExitedAt: at(1795452483),
  },
  {
    unit: "gpu-exporter.service",
    loadState: "loaded",
    activeState: "failed",
    subState: "failed",
    unitFileState: "static",
    result: "signal",
    restarts: 0,
    execMainStatus: 9,
    activeEnteredAt: at(1795452485),
    execMainExitedAt: at(1795452486),
  },
  // Still in ExecStartPre: ExecMainCode=0, so its ExecMainStatus=0 is no exit status.
  {
    unit: "comfyui.service",
    loadState: "loaded",
    activeState: "activating",
    subState: "start-pre",
    unitFileState: "static",
    result: "success",
    restarts: 0,
  },
  {
    unit: "old-runner.service",
    loadState: "masked",
    activeState: "inactive",
    subState: "dead",
    unitFileState: "masked",
    result: "success",
    restarts: 0,
  },
  { unit: "ollama-rocm.service", loadState: "not-found", activeState: "inactive", subState: "dead", result: "success", restarts: 0 },
  {
    unit: "recommender.timer",
    loadState: "loaded",
    activeState: "active",
    subState: "waiting",
    unitFileState: "enabled",
    result: "success",
    activeEnteredAt: at(1795452480),
  },
];

describe("unitStatus", () => {
  it("reads the 11 units of the systemd 252 capture with --timestamp=unix", () => {
    expect(statuses("systemctl-show-p-11props-timestamp-unix-11-units-systemd252.txt")).toEqual(EXPECTED_252);
  });

  it("reads the same units from the pretty UTC timestamps", () => {
    expect(statuses("systemctl-show-p-11props-pretty-utc-11-units-systemd252.txt")).toEqual(EXPECTED_252);
  });

  it("reads the same units from CET timestamps, in the host's zone (Europe/Berlin here, UTC+1 in November)", () => {
    const berlin = (t: { year: number; month: number; day: number; hour: number; minute: number; second: number }) =>
      Date.UTC(t.year, t.month - 1, t.day, t.hour - 1, t.minute, t.second);
    expect(statuses("systemctl-show-p-11props-pretty-cet-11-units-systemd252.txt", berlin)).toEqual(EXPECTED_252);
  });

  it("reads a full show: apache2 running (systemd 245), model-sync failed (252)", () => {
    expect(statuses("systemctl-show-apache2-service-full-active-running-ubuntu-systemd245.txt")).toEqual([
      {
        unit: "apache2.service",
        loadState: "loaded",
        activeState: "active",
        subState: "running",
        unitFileState: "enabled",
        result: "success",
        restarts: 0,
        activeEnteredAt: Date.UTC(2022, 2, 9, 11, 53, 44),
        mainPid: 679,
        controlGroup: "/system.slice/apache2.service",
      },
    ]);
    expect(statuses("systemctl-show-model-sync-service-full-failed-exit-code-3-systemd252.txt")).toEqual([
      {
        unit: "model-sync.service",
        loadState: "loaded",
        activeState: "failed",
        subState: "failed",
        unitFileState: "static",
        result: "exit-code",
        restarts: 0,
        execMainStatus: 3,
        execMainExitedAt: Date.UTC(2026, 10, 23, 16, 48, 1),
      },
    ]);
  });

  it("reads MainPID and ControlGroup of a running unit, and none where systemd prints 0 and an empty group", () => {
    const [running, ...rest] = statuses("systemctl-show-p-13props-mainpid-controlgroup-timestamp-unix-5-units-systemd252.txt");
    expect(running).toEqual({
      unit: "ollama-gpu.service",
      loadState: "loaded",
      activeState: "active",
      subState: "running",
      unitFileState: "disabled",
      result: "success",
      restarts: 0,
      activeEnteredAt: at(1795462488),
      mainPid: 25478,
      controlGroup: "/app.slice/ollama-gpu.service",
    });
    expect(rest.map((s) => [s.unit, s.activeState, s.mainPid, s.controlGroup])).toEqual([
      ["gpu-exporter.service", "failed", undefined, undefined],
      ["vllm.service", "failed", undefined, undefined],
      ["recommender.service", "inactive", undefined, undefined],
      ["ollama-rocm.service", "inactive", undefined, undefined],
    ]);
    expect(rest[0]).toMatchObject({ result: "signal", execMainStatus: 9, execMainExitedAt: at(1795462489) });
  });

  it.each([
    ["systemctl-show-p-4props-service-loaded-active-running-enabled-rocky9.txt", "loaded", "active", "running", "enabled"],
    ["systemctl-show-p-4props-service-loaded-failed-disabled-rocky9.txt", "loaded", "failed", "failed", "disabled"],
    ["systemctl-show-p-4props-service-masked-rocky9.txt", "masked", "inactive", "dead", "masked"],
    ["systemctl-show-p-4props-service-not-found-empty-unitfilestate-rocky9.txt", "not-found", "inactive", "dead", undefined],
    ["systemctl-show-p-4props-init-scope-empty-unitfilestate-rocky9.txt", "loaded", "active", "running", undefined],
  ])("names a block without Id after the unit asked for: %s", (fixture, loadState, activeState, subState, unitFileState) => {
    const [block] = parseShowBlocks(systemdFixture(fixture));
    const status = unitStatus(block as ReadonlyMap<string, string>, "postgresql.service");
    expect(status).toEqual({ unit: "postgresql.service", loadState, activeState, subState, ...(unitFileState ? { unitFileState } : {}) });
  });

  it("throws, naming the unit and the property, for a block it cannot read", () => {
    const block = (text: string) => parseShowBlocks(text)[0] as ReadonlyMap<string, string>;
    expect(() => unitStatus(block("LoadState=loaded\nActiveState=active\nSubState=running"))).toThrow(
      "systemctl show: a unit's block has no Id",
    );
    expect(() => unitStatus(block("Id=vllm.service\nLoadState=loaded\nActiveState=\nSubState=dead"))).toThrow(
      "systemctl show vllm.service: ActiveState is missing or empty",
    );
    expect(() => unitStatus(block("Id=vllm.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nNRestarts=[not set]"))).toThrow(
      'systemctl show vllm.service: NRestarts: expected a whole number, got "[not set]"',
    );
    expect(() => unitStatus(block("Id=vllm.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=-1"))).toThrow(
      'systemctl show vllm.service: MainPID: expected a whole number, got "-1"',
    );
    expect(() =>
      unitStatus(block("Id=vllm.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nActiveEnterTimestamp=soon")),
    ).toThrow(SystemctlOutputError);
  });
});
