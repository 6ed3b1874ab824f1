import { describe, expect, it } from "vitest";
import { cgroupEventsPaths, parseCgroupPopulated } from "../../../agent/collectors/units/cgroup-events.ts";
import { exitWatchFixture } from "./exit-watch-fixtures.ts";

describe("parseCgroupPopulated", () => {
  it("reads a running unit's cgroup as populated", () => {
    expect(parseCgroupPopulated(exitWatchFixture("cgroup-events-populated-1-systemd252-unit-kernel6.18.txt"))).toBe(true);
  });

  it("reads an empty cgroup as not populated", () => {
    expect(parseCgroupPopulated(exitWatchFixture("cgroup-events-populated-0-empty-cgroup-kernel6.18.txt"))).toBe(false);
  });

  it.each([[""], ["frozen 0\n"], ["populated 2\n"], ["populated\n"], ["populated 1 extra\n"]])("gives undefined for %j", (text) => {
    expect(parseCgroupPopulated(text)).toBeUndefined();
  });
});

describe("cgroupEventsPaths", () => {
  const roots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"];

  it("looks for a unit's cgroup.events under the unified hierarchy, then under the hybrid layout's", () => {
    expect(cgroupEventsPaths("/app.slice/ollama-gpu.service", roots)).toEqual([
      "/sys/fs/cgroup/app.slice/ollama-gpu.service/cgroup.events",
      "/sys/fs/cgroup/unified/app.slice/ollama-gpu.service/cgroup.events",
    ]);
  });

  it.each([["app.slice/x.service"], ["/system.slice/../../etc"], [""]])("refuses %j (not absolute, or climbing)", (cg) => {
    expect(cgroupEventsPaths(cg, roots)).toEqual([]);
  });
});
