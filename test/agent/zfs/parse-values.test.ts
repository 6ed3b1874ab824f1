import { describe, expect, it } from "vitest";
import {
  isMissing,
  parseCtime,
  parsePercent,
  parseRatio,
  parseSize,
  parseZpoolDuration,
} from "../../../agent/collectors/zfs/parse-values.ts";
import { localSeconds } from "./zfs-fixtures.ts";

describe("ZFS value parsing", () => {
  it("reads exact and human sizes (1024-based, rounded) and refuses other shapes", () => {
    expect(parseSize("9051643576")).toBe(9_051_643_576);
    expect(parseSize("0B")).toBe(0);
    expect(parseSize("1M")).toBe(1_048_576);
    expect(parseSize("1.41M")).toBe(1_478_492);
    expect(parseSize("1.66T")).toBe(Math.round(1.66 * 2 ** 40));
    expect(parseSize("9,12T")).toBe(Math.round(9.12 * 2 ** 40));
    for (const bad of ["-", "", "1.2X", "abc", "-5", "1e3"]) expect(parseSize(bad)).toBeUndefined();
  });

  it("reads percents with or without %, and ratios with or without x", () => {
    expect(parsePercent("42")).toBe(42);
    expect(parsePercent("8%")).toBe(8);
    expect(parsePercent("-")).toBeUndefined();
    expect(parseRatio("1.00")).toBe(1);
    expect(parseRatio("1.83x")).toBe(1.83);
    expect(parseRatio("fast")).toBeUndefined();
    expect(isMissing("-")).toBe(true);
    expect(isMissing("0")).toBe(false);
  });

  it("reads every duration format zpool has printed", () => {
    expect(parseZpoolDuration("06:58:02")).toBe(6 * 3600 + 58 * 60 + 2);
    expect(parseZpoolDuration("1 days 02:03:04")).toBe(93_784);
    expect(parseZpoolDuration("0 days 00:19:47")).toBe(1187);
    expect(parseZpoolDuration("29h37m")).toBe(106_620);
    expect(parseZpoolDuration("<snip>")).toBeUndefined();
  });

  it("reads ctime dates in local time, single-digit days padded with a space", () => {
    expect(parseCtime("Sun Nov  3 15:24:53 2024")).toBe(localSeconds(2024, 11, 3, 15, 24, 53));
    expect(parseCtime("Sun Nov 12 07:22:03 2023")).toBe(localSeconds(2023, 11, 12, 7, 22, 3));
    expect(parseCtime("yesterday")).toBeUndefined();
    expect(parseCtime("Sun Foo 12 07:22:03 2023")).toBeUndefined();
  });
});
