import { describe, expect, it } from "vitest";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { parseListUnits } from "../../../agent/collectors/units/parse-list-units.ts";
import { systemdFixture } from "./systemd-fixtures.ts";

const failed = (unit: string, load = "loaded") => ({ unit, load, active: "failed", sub: "failed" });

describe("parseListUnits", () => {
  it.each([
    // --plain, as the collector asks (systemd 252): no marker.
    [
      "systemctl-list-units-state-failed-plain-three-failed-systemd252.txt",
      [failed("gpu-exporter.service"), failed("model-sync.service"), failed("vllm.service")],
    ],
    // Without --plain in a UTF-8 locale: each row after a ● marker.
    [
      "systemctl-list-units-state-failed-utf8-marker-three-failed-systemd252.txt",
      [failed("gpu-exporter.service"), failed("model-sync.service"), failed("vllm.service")],
    ],
    // ASCII * marker (non-UTF-8 locale).
    ["systemctl-state-failed-no-legend-one-failed-chronyd.txt", [failed("chronyd.service")]],
    // Older systemd: no marker column at all.
    ["systemctl-state-failed-no-legend-two-failed-openipmi-smartd.txt", [failed("openipmi.service"), failed("smartd.service")]],
    // A failed unit whose file is gone, and trailing spaces.
    [
      "systemctl-state-failed-no-legend-three-failed-tomcat-varnish.txt",
      [failed("tomcat8.service", "not-found"), failed("varnish.service"), failed("varnishlog.service")],
    ],
  ])("reads the failed units of %s", (fixture, expected) => {
    expect(parseListUnits(systemdFixture(fixture))).toEqual(expected);
  });

  it("reads rows with the JOB column systemd adds while a job is pending (glob expansion, systemd 252)", () => {
    expect(parseListUnits(systemdFixture("systemctl-list-units-all-glob-ollama-recommender-comfyui-job-column-systemd252.txt"))).toEqual([
      { unit: "comfyui.service", load: "loaded", active: "activating", sub: "start-pre" },
      { unit: "ollama-cpu.service", load: "loaded", active: "active", sub: "running" },
      { unit: "ollama-gpu.service", load: "loaded", active: "active", sub: "running" },
      { unit: "recommender.service", load: "loaded", active: "inactive", sub: "dead" },
      { unit: "recommender.timer", load: "loaded", active: "active", sub: "waiting" },
    ]);
  });

  it("reads a table printed with its header and legend (CentOS 7.7, systemd 219): 220 units, not the notes", () => {
    const units = parseListUnits(systemdFixture("systemctl-list-units-all-centos7.7-220-units.txt"));
    expect(units).toHaveLength(220);
    expect(units[0]).toEqual({ unit: "proc-sys-fs-binfmt_misc.automount", load: "loaded", active: "active", sub: "waiting" });
    expect(units.at(-1)).toEqual({ unit: "systemd-tmpfiles-clean.timer", load: "loaded", active: "active", sub: "waiting" });
    expect(units.find((u) => u.unit === "cloud-init.service")).toEqual({
      unit: "cloud-init.service",
      load: "not-found",
      active: "inactive",
      sub: "dead",
    });
    expect(units.filter((u) => u.load === "not-found")).toHaveLength(19);
    expect(units.filter((u) => u.active === "active")).toHaveLength(144);
    expect(units.some((u) => u.unit === "dev-disk-by\\x2did-dm\\x2dname\\x2dcentos\\x2droot.device")).toBe(true);
  });

  it("gives no unit for empty output (no unit failed)", () => {
    expect(parseListUnits(systemdFixture("systemctl-list-units-state-failed-none-systemd252.txt"))).toEqual([]);
    expect(parseListUnits("\n")).toEqual([]);
  });

  it("throws, naming the line, for a row that is not a unit", () => {
    expect(() => parseListUnits("Failed to list units: Access denied\n")).toThrow(SystemctlOutputError);
    expect(() => parseListUnits("vllm.service loaded failed failed vLLM\nhello world\n")).toThrow(
      'systemctl list-units: line 2: expected "UNIT LOAD ACTIVE SUB DESCRIPTION", got "hello world"',
    );
    expect(() => parseListUnits("vllm.service loaded failed\n")).toThrow(/line 1/);
  });
});
