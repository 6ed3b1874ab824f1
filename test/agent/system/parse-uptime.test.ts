import { describe, expect, it } from "vitest";
import { parseUptime } from "../../../agent/collectors/system/parse-uptime.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

describe("parseUptime", () => {
  it("reads uptime and summed idle seconds", () => {
    expect(parseUptime(procFixture("uptime-8-core-host-4-days-hand-written.txt"))).toEqual({
      uptimeSeconds: 350735.47,
      idleSeconds: 2782042.13,
    });
  });

  it("gives nothing for empty input", () => {
    expect(parseUptime("")).toBeUndefined();
  });

  it("throws, naming the file, for garbage", () => {
    expect(() => parseUptime("up 4 days, 1:25")).toThrow(ProcParseError);
    expect(() => parseUptime("350735.47")).toThrow(/\/proc\/uptime/);
    expect(() => parseUptime("-1.00 2.00")).toThrow(ProcParseError);
  });
});
