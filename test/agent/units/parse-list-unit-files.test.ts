import { describe, expect, it } from "vitest";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { parseListUnitFiles } from "../../../agent/collectors/units/parse-list-unit-files.ts";
import { systemdFixture } from "./systemd-fixtures.ts";

describe("parseListUnitFiles", () => {
  it("reads unit files matching globs with their state (systemd 252, STATE and PRESET columns)", () => {
    expect(parseListUnitFiles(systemdFixture("systemctl-list-unit-files-glob-ollama-recommender-old-systemd252.txt"))).toEqual([
      { unit: "old-runner.service", state: "masked" },
      { unit: "ollama-cpu.service", state: "enabled" },
      { unit: "ollama-gpu.service", state: "enabled" },
      { unit: "ollama-pull.service", state: "static" },
      { unit: "recommender.service", state: "static" },
      { unit: "recommender.timer", state: "enabled" },
    ]);
  });

  it("reads a table printed with its header and count (CentOS 7.7): 244 files, templates included", () => {
    const files = parseListUnitFiles(systemdFixture("systemctl-list-unit-files-centos7.7.txt"));
    expect(files).toHaveLength(244);
    expect(files[0]).toEqual({ unit: "proc-sys-fs-binfmt_misc.automount", state: "static" });
    expect(files.find((f) => f.unit === "sshd.service")).toEqual({ unit: "sshd.service", state: "enabled" });
    expect(files.find((f) => f.unit === "getty@.service")).toEqual({ unit: "getty@.service", state: "enabled" });
    const byState = Object.groupBy(files, (f) => f.state);
    expect(Object.fromEntries(Object.entries(byState).map(([state, list]) => [state, list?.length]))).toEqual({
      static: 152,
      enabled: 41,
      disabled: 49,
      indirect: 2,
    });
  });

  it("gives nothing for empty output", () => {
    expect(parseListUnitFiles("")).toEqual([]);
  });

  it("throws, naming the line, for garbage", () => {
    expect(() => parseListUnitFiles("Failed to list unit files: Access denied\n")).toThrow(SystemctlOutputError);
    expect(() => parseListUnitFiles("ollama-gpu.service\n")).toThrow(
      'systemctl list-unit-files: line 1: expected "UNIT-FILE STATE", got "ollama-gpu.service"',
    );
  });
});
