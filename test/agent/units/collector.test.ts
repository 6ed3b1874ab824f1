import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { CommandFailedError } from "../../../shared/process/run-command.ts";
import { createUnitsCollector } from "../../../agent/collectors/units/index.ts";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { type FakeCase, writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { systemdFixture, systemdFixturePath } from "./systemd-fixtures.ts";

const tempDir = useTempDirs();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** One minute after the first capture's services started (2026-11-23 16:48:00 UTC). */
const NOW = 1_795_452_540_000;
const PROPS =
  "Id,LoadState,ActiveState,SubState,UnitFileState,Result,NRestarts,ExecMainCode,ExecMainStatus,ActiveEnterTimestamp,ExecMainExitTimestamp,MainPID,ControlGroup";
const FAILED_CALL = "list-units --state=failed --plain --no-legend --full --no-pager";

/** The 11 units of the first capture, in the order its `show` asked for them. */
const CAPTURED_UNITS = [
  "ollama-gpu.service",
  "ollama-cpu.service",
  "postgresql.service",
  "recommender.service",
  "model-sync.service",
  "vllm.service",
  "gpu-exporter.service",
  "comfyui.service",
  "old-runner.service",
  "ollama-rocm.service",
  "recommender.timer",
];

const FIXTURE = {
  failed: systemdFixturePath("systemctl-list-units-state-failed-plain-three-failed-systemd252.txt"),
  noneFailed: systemdFixturePath("systemctl-list-units-state-failed-none-systemd252.txt"),
  show11: systemdFixturePath("systemctl-show-p-11props-timestamp-unix-11-units-systemd252.txt"),
  show11Utc: systemdFixturePath("systemctl-show-p-11props-pretty-utc-11-units-systemd252.txt"),
  globUnits: systemdFixturePath("systemctl-list-units-all-glob-ollama-recommender-comfyui-job-column-systemd252.txt"),
  globFiles: systemdFixturePath("systemctl-list-unit-files-glob-ollama-recommender-old-systemd252.txt"),
  showGlobAndFailed: systemdFixturePath("systemctl-show-p-11props-timestamp-unix-glob-and-failed-10-units-systemd252.txt"),
  showAfterReset: systemdFixturePath("systemctl-show-p-11props-timestamp-unix-after-reset-failed-3-units-systemd252.txt"),
  runningNoId: systemdFixturePath("systemctl-show-p-4props-service-loaded-active-running-enabled-rocky9.txt"),
};

/** A sh case pattern matching arguments that begin with `prefix` (quoted: a bare space would end the pattern). */
const startsWith = (prefix: string) => `"${prefix}"*`;

/** A fake systemctl in a fresh folder; returns the folder, its path, and a reader of the calls it got. */
function fakeSystemctl(cases: readonly FakeCase[], bin = tempDir()) {
  const path = writeFakeBin(bin, "systemctl", cases);
  const calls = () => {
    const file = join(bin, "systemctl.calls");
    return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n") : [];
  };
  return { bin, path, calls };
}

function collector(path: string, units: string[], options: { reportFailed?: boolean; timeout?: number } = {}) {
  return createUnitsCollector({ units, reportFailed: options.reportFailed ?? true, systemctl: path, timeout: options.timeout ?? 10_000 });
}

async function collectOk(c: ReturnType<typeof collector>, now = NOW) {
  const outcome: CollectOutcome = await c.collect({ now, signal: new AbortController().signal });
  if (outcome.kind !== "ok") throw new Error(`expected ok, got unavailable: ${outcome.reason}`);
  return outcome;
}

const stateOf = (obs: { states: { name: string; labels: Record<string, string>; state: string }[] }, name: string, unit: string) =>
  obs.states.find((s) => s.name === name && s.labels.unit === unit)?.state;
const valueOf = (obs: { samples: { name: string; labels: Record<string, string>; value: number }[] }, name: string, unit?: string) =>
  obs.samples.find((s) => s.name === name && s.labels.unit === unit)?.value;

/** The blocks of a captured `show` output for `units`, in that order (systemctl prints them as asked). */
function blocksOf(fixturePath: string, units: readonly string[]): string {
  const blocks = readFileSync(fixturePath, "utf8").trimEnd().split("\n\n");
  return `${units.map((unit) => blocks.find((b) => b.includes(`\nId=${unit}\n`)) ?? `missing ${unit}`).join("\n\n")}\n`;
}

describe("units collector, with a fake systemctl printing real outputs", () => {
  it("reads configured units and the host's failed units through the systemctl found on PATH", async () => {
    const fake = fakeSystemctl([
      { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.failed },
      { args: startsWith("show --timestamp=unix"), stdoutFile: FIXTURE.show11 },
    ]);
    vi.stubEnv("PATH", `${fake.bin}:${process.env.PATH ?? ""}`);
    const obs = await collectOk(collector("systemctl", CAPTURED_UNITS));

    expect(fake.calls()).toEqual([FAILED_CALL, `show --timestamp=unix -p ${PROPS} -- ${CAPTURED_UNITS.join(" ")}`]);
    expect(stateOf(obs, "vigil_unit_active_state", "postgresql.service")).toBe("active");
    expect(stateOf(obs, "vigil_unit_active_state", "vllm.service")).toBe("failed");
    expect(stateOf(obs, "vigil_unit_result", "gpu-exporter.service")).toBe("signal");
    expect(stateOf(obs, "vigil_unit_load_state", "ollama-rocm.service")).toBe("not-found");
    expect(valueOf(obs, "vigil_unit_restarts_total", "vllm.service")).toBe(3);
    expect(valueOf(obs, "vigil_unit_exec_main_status", "model-sync.service")).toBe(3);
    expect(valueOf(obs, "vigil_unit_active_enter_age_seconds", "ollama-gpu.service")).toBe(60);
    expect(valueOf(obs, "vigil_unit_exec_main_exit_age_seconds", "recommender.service")).toBe(59);
    expect(valueOf(obs, "vigil_units_failed")).toBe(3);
    expect(new Set(obs.states.map((s) => s.labels.unit))).toEqual(new Set(CAPTURED_UNITS));
  });

  it("runs the configured executable path, and reads a configured bare name as a service", async () => {
    const fake = fakeSystemctl([{ args: startsWith("show "), stdoutFile: FIXTURE.runningNoId }]);
    // The fake (a sh script) needs cat; the fake's folder is not on PATH, so only the configured path can find it.
    vi.stubEnv("PATH", "/usr/bin:/bin");
    const obs = await collectOk(collector(fake.path, ["postgresql"], { reportFailed: false }));
    expect(fake.calls()).toEqual([`show --timestamp=unix -p ${PROPS} -- postgresql.service`]);
    expect(obs.states.map((s) => [s.name, s.labels.unit, s.state])).toEqual([
      ["vigil_unit_load_state", "postgresql.service", "loaded"],
      ["vigil_unit_active_state", "postgresql.service", "active"],
      ["vigil_unit_sub_state", "postgresql.service", "running"],
      ["vigil_unit_file_state", "postgresql.service", "enabled"],
    ]);
    expect(obs.samples).toEqual([]);
  });

  it("expands globs with systemctl itself (loaded units and unit files), then shows them with the failed units", async () => {
    const fake = fakeSystemctl([
      { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.failed },
      { args: startsWith("list-units --all"), stdoutFile: FIXTURE.globUnits },
      { args: startsWith("list-unit-files"), stdoutFile: FIXTURE.globFiles },
      { args: startsWith("show --timestamp=unix"), stdoutFile: FIXTURE.showGlobAndFailed },
    ]);
    const obs = await collectOk(collector(fake.path, ["ollama-*", "recommender.*", "comfyui.*", "old-*"]), 1_795_452_782_000);

    const patterns = "-- ollama-* recommender.* comfyui.* old-*";
    expect(fake.calls().sort()).toEqual(
      [
        FAILED_CALL,
        `list-units --all --plain --no-legend --full --no-pager ${patterns}`,
        `list-unit-files --no-legend --full --no-pager ${patterns}`,
        `show --timestamp=unix -p ${PROPS} -- comfyui.service old-runner.service ollama-cpu.service ollama-gpu.service ollama-pull.service recommender.service recommender.timer gpu-exporter.service model-sync.service vllm.service`,
      ].sort(),
    );
    // ollama-pull.service is not loaded: only list-unit-files knew it.
    expect(stateOf(obs, "vigil_unit_active_state", "ollama-pull.service")).toBe("inactive");
    expect(stateOf(obs, "vigil_unit_file_state", "ollama-pull.service")).toBe("static");
    expect(stateOf(obs, "vigil_unit_load_state", "old-runner.service")).toBe("masked");
    expect(valueOf(obs, "vigil_unit_active_enter_age_seconds", "ollama-cpu.service")).toBe(60);
    expect(valueOf(obs, "vigil_unit_exec_main_exit_age_seconds", "gpu-exporter.service")).toBe(54);
    expect(new Set(obs.states.map((s) => s.labels.unit)).size).toBe(10);
  });

  it("shows a failed unit once more after it leaves the failed list, then stops asking", async () => {
    const failedUnits = ["gpu-exporter.service", "model-sync.service", "vllm.service"];
    const bin = tempDir();
    const first = fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.failed },
        { args: startsWith("show "), stdout: blocksOf(FIXTURE.showGlobAndFailed, failedUnits) },
      ],
      bin,
    );
    const c = collector(first.path, []);
    const failing = await collectOk(c);
    expect(failedUnits.map((u) => stateOf(failing, "vigil_unit_active_state", u))).toEqual(["failed", "failed", "failed"]);
    expect(valueOf(failing, "vigil_units_failed")).toBe(3);

    // `systemctl reset-failed` ran on the host.
    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.noneFailed },
        { args: startsWith("show "), stdoutFile: FIXTURE.showAfterReset },
      ],
      bin,
    );
    const recovered = await collectOk(c);
    expect(failedUnits.map((u) => stateOf(recovered, "vigil_unit_active_state", u))).toEqual(["inactive", "inactive", "inactive"]);
    expect(stateOf(recovered, "vigil_unit_result", "vllm.service")).toBe("success");
    expect(valueOf(recovered, "vigil_units_failed")).toBe(0);

    const quiet = await collectOk(c);
    expect(quiet).toEqual({ kind: "ok", samples: [{ name: "vigil_units_failed", labels: {}, timestamp: NOW, value: 0 }], states: [] });
    expect(first.calls()).toEqual([
      FAILED_CALL,
      `show --timestamp=unix -p ${PROPS} -- ${failedUnits.join(" ")}`,
      FAILED_CALL,
      `show --timestamp=unix -p ${PROPS} -- ${failedUnits.join(" ")}`,
      FAILED_CALL,
    ]);
  });

  it("asks nothing when no unit is configured and failed units are not wanted", async () => {
    const fake = fakeSystemctl([{ stdout: "" }]);
    expect(await collectOk(collector(fake.path, [], { reportFailed: false }))).toEqual({ kind: "ok", samples: [], states: [] });
    expect(fake.calls()).toEqual([]);
  });

  it("takes list-unit-files' exit 1 with no output as 'no unit file matches', but not with an error message", async () => {
    const silent = fakeSystemctl([
      { args: startsWith("list-units --all"), stdout: "" },
      { args: startsWith("list-unit-files"), exitCode: 1 },
    ]);
    expect(await collectOk(collector(silent.path, ["nomatch-*"], { reportFailed: false }))).toEqual({
      kind: "ok",
      samples: [],
      states: [],
    });
    expect(silent.calls()).not.toContain(expect.stringMatching(/^show/));

    const denied = fakeSystemctl([
      { args: startsWith("list-units --all"), stdout: "" },
      { args: startsWith("list-unit-files"), stderr: "Failed to list unit files: Access denied", exitCode: 1 },
    ]);
    await expect(
      collector(denied.path, ["nomatch-*"], { reportFailed: false }).collect({ now: NOW, signal: new AbortController().signal }),
    ).rejects.toThrow(
      `${denied.path} list-unit-files --no-legend --full --no-pager -- "nomatch-*": exited with 1: Failed to list unit files: Access denied`,
    );
  });

  it("falls back from --timestamp=unix to utc to none when systemctl refuses them, and keeps the style that worked", async () => {
    const fake = fakeSystemctl([
      // systemd 247-250 knows --timestamp= but not "unix"; before 247 the option itself is unknown.
      { args: startsWith("show --timestamp=unix"), stderr: "Invalid value: unix.", exitCode: 1 },
      { args: startsWith("show --timestamp=utc"), stderr: "systemctl: unrecognized option '--timestamp=utc'", exitCode: 1 },
      { args: startsWith("show -p"), stdoutFile: FIXTURE.show11Utc },
    ]);
    const c = collector(fake.path, CAPTURED_UNITS, { reportFailed: false });
    const obs = await collectOk(c);
    expect(valueOf(obs, "vigil_unit_active_enter_age_seconds", "postgresql.service")).toBe(60);
    await collectOk(c);
    const show = (style: string) => `show ${style}-p ${PROPS} -- ${CAPTURED_UNITS.join(" ")}`;
    expect(fake.calls()).toEqual([show("--timestamp=unix "), show("--timestamp=utc "), show(""), show("")]);
  });

  it("is unavailable, naming the binary, when systemctl is not installed (configured path or PATH)", async () => {
    const missing = join(tempDir(), "systemctl");
    const outcome = await collector(missing, ["postgresql.service"]).collect({ now: NOW, signal: new AbortController().signal });
    expect(outcome).toEqual({ kind: "unavailable", reason: `${missing}: not found (is it installed and on PATH?)` });

    vi.stubEnv("PATH", tempDir());
    expect(await collector("systemctl", []).collect({ now: NOW, signal: new AbortController().signal })).toEqual({
      kind: "unavailable",
      reason: "systemctl: not found (is it installed and on PATH?)",
    });
  });

  it("is unavailable when systemctl cannot reach systemd (a container whose PID 1 is not systemd)", async () => {
    const stderr = systemdFixture("systemctl-stderr-not-booted-with-systemd-debian12-container.txt").trimEnd();
    const fake = fakeSystemctl([{ stderr, exitCode: 1 }]);
    const outcome = await collector(fake.path, ["postgresql.service"]).collect({ now: NOW, signal: new AbortController().signal });
    expect(outcome).toEqual({
      kind: "unavailable",
      reason: `${fake.path} ${FAILED_CALL}: cannot reach systemd: System has not been booted with systemd as init system (PID 1). Can't operate.`,
    });
  });

  it("kills a hung systemctl at the timeout, and the next cycle works", async () => {
    const bin = tempDir();
    const hung = fakeSystemctl([{ sleepSeconds: 30 }], bin);
    const c = collector(hung.path, ["postgresql"], { timeout: 300 });
    const started = performance.now();
    const error = await c.collect({ now: NOW, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as Error).message).toBe(`${hung.path} ${FAILED_CALL}: killed after 300 ms (timeout)`);

    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.noneFailed },
        { args: startsWith("show "), stdoutFile: FIXTURE.runningNoId },
      ],
      bin,
    );
    const obs = await collectOk(c);
    expect(stateOf(obs, "vigil_unit_active_state", "postgresql.service")).toBe("active");
  });

  it("fails the cycle, naming what was wrong, on garbage, and the next cycle works", async () => {
    const bin = tempDir();
    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdout: "Segmentation fault\n" },
        { args: startsWith("show "), stdoutFile: FIXTURE.runningNoId },
      ],
      bin,
    );
    const c = collector(join(bin, "systemctl"), ["postgresql.service"]);
    await expect(c.collect({ now: NOW, signal: new AbortController().signal })).rejects.toThrow(
      new SystemctlOutputError("systemctl list-units", 'line 1: expected "UNIT LOAD ACTIVE SUB DESCRIPTION", got "Segmentation fault"'),
    );

    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.noneFailed },
        { args: startsWith("show "), stdout: "garbage\n" },
      ],
      bin,
    );
    await expect(c.collect({ now: NOW, signal: new AbortController().signal })).rejects.toThrow(
      'systemctl show: line 1: expected Key=value, got "garbage"',
    );

    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.noneFailed },
        { args: startsWith("show "), stdoutFile: FIXTURE.show11 },
      ],
      bin,
    );
    await expect(c.collect({ now: NOW, signal: new AbortController().signal })).rejects.toThrow(
      "systemctl show: printed 11 unit block(s) for the 1 unit(s) asked",
    );

    fakeSystemctl(
      [
        { args: startsWith("list-units --state=failed"), stdoutFile: FIXTURE.noneFailed },
        { args: startsWith("show "), stdoutFile: FIXTURE.runningNoId },
      ],
      bin,
    );
    expect(stateOf(await collectOk(c), "vigil_unit_sub_state", "postgresql.service")).toBe("running");
  });

  it("fails the cycle, naming the command, when show fails for another reason", async () => {
    const fake = fakeSystemctl([
      { args: startsWith("list-units --state=failed"), stdout: "" },
      { args: startsWith("show "), stderr: "Failed to get properties: Access denied", exitCode: 1 },
    ]);
    await expect(collector(fake.path, ["postgresql.service"]).collect({ now: NOW, signal: new AbortController().signal })).rejects.toThrow(
      `${fake.path} show --timestamp=unix -p ${PROPS} -- postgresql.service: exited with 1: Failed to get properties: Access denied`,
    );
  });
});
