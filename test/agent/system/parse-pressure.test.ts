import { describe, expect, it } from "vitest";
import { parsePressure } from "../../../agent/collectors/system/parse-pressure.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

describe("parsePressure", () => {
  it("reads some and an all-zero full for cpu (node_exporter)", () => {
    expect(parsePressure(procFixture("pressure-cpu-some-and-full-node-exporter.txt"), "cpu")).toEqual({
      some: { avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 14036781 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 0 },
    });
  });

  it("reads nonzero io averages and totals (node_exporter)", () => {
    expect(parsePressure(procFixture("pressure-io-node-exporter.txt"), "io")).toEqual({
      some: { avg10: 0.18, avg60: 0.34, avg300: 0.1, totalMicroseconds: 159886802 },
      full: { avg10: 0.18, avg60: 0.34, avg300: 0.1, totalMicroseconds: 159229614 },
    });
  });

  it("reads all-zero memory pressure as zeros, which here are real readings (node_exporter)", () => {
    expect(parsePressure(procFixture("pressure-memory-node-exporter.txt"), "memory")).toEqual({
      some: { avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 0 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 0 },
    });
  });

  it("has no full line on an older kernel's cpu file (procfs)", () => {
    const pressure = parsePressure(procFixture("pressure-cpu-some-only-procfs.txt"), "cpu");
    expect(pressure).toEqual({ some: { avg10: 0.1, avg60: 2, avg300: 3.85, totalMicroseconds: 15 } });
    expect(pressure.full).toBeUndefined();
  });

  it("reads a file with only full and no trailing newline (irq, node_exporter)", () => {
    const text = procFixture("pressure-irq-full-only-no-newline-node-exporter.txt");
    expect(text.endsWith("\n")).toBe(false);
    expect(parsePressure(text, "irq")).toEqual({ full: { avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 8494 } });
  });

  it("gives nothing for empty input", () => {
    expect(parsePressure("", "cpu")).toEqual({});
  });

  it("throws, naming the file, for garbage", () => {
    expect(() => parsePressure("pressure stall information disabled", "memory")).toThrow(ProcParseError);
    expect(() => parsePressure("some avg10=N/A avg60=0.00 avg300=0.00 total=1", "memory")).toThrow(/\/proc\/pressure\/memory/);
  });

  it("skips a line lacking one of the four values, keeps the other", () => {
    const text = "some avg10=1.50 avg60=0.00 total=7\nfull avg10=0.25 avg60=0.50 avg300=0.75 total=9 extra=1";
    expect(parsePressure(text, "io")).toEqual({ full: { avg10: 0.25, avg60: 0.5, avg300: 0.75, totalMicroseconds: 9 } });
  });
});
