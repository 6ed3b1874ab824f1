import { describe, expect, it } from "vitest";
import { parseLoadavg } from "../../../agent/collectors/system/parse-loadavg.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

describe("parseLoadavg", () => {
  it.each([
    ["loadavg-jc.txt", { load1: 0, load5: 0.01, load15: 0.03, runnable: 2, entities: 111, lastPid: 2039 }],
    ["loadavg-node-exporter.txt", { load1: 0.21, load5: 0.37, load15: 0.39, runnable: 1, entities: 719, lastPid: 19737 }],
    ["loadavg-procfs.txt", { load1: 0.02, load5: 0.04, load15: 0.05, runnable: 1, entities: 497, lastPid: 11947 }],
  ])("reads %s", (file, expected) => {
    expect(parseLoadavg(procFixture(file))).toEqual(expected);
  });

  it("gives nothing for empty input", () => {
    expect(parseLoadavg("")).toBeUndefined();
    expect(parseLoadavg("\n")).toBeUndefined();
  });

  it("throws, naming the file, for garbage", () => {
    expect(() => parseLoadavg("cat: /proc/loadavg: No such file or directory")).toThrow(ProcParseError);
    expect(() => parseLoadavg("0.21 0.37 N/A 1/719 19737")).toThrow(/\/proc\/loadavg/);
    expect(() => parseLoadavg("0.21 0.37 0.39")).toThrow(ProcParseError);
  });
});
