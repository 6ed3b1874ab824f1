import { describe, expect, it } from "vitest";
import { parseStat } from "../../../agent/collectors/system/parse-stat.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

describe("parseStat", () => {
  it("reads 2 CPUs with 10 columns and btime (jc)", () => {
    const stat = parseStat(procFixture("stat-2cpu-10-columns-jc.txt"));
    expect(stat.bootTimeSeconds).toBe(1662154781);
    expect(stat.cpus.map((c) => c.cpu)).toEqual(["total", "0", "1"]);
    expect(stat.cpus[0]).toEqual({
      cpu: "total",
      user: 6002,
      nice: 152,
      system: 8398,
      idle: 3444436,
      iowait: 448,
      irq: 0,
      softirq: 1174,
      steal: 0,
      guest: 0,
      guestNice: 0,
    });
    expect(stat.cpus[2]).toMatchObject({ cpu: "1", user: 3218, nice: 15, system: 4031, idle: 1711634, iowait: 223, softirq: 953 });
  });

  it("reads 8 CPUs with guest columns (node_exporter)", () => {
    const stat = parseStat(procFixture("stat-8cpu-node-exporter.txt"));
    expect(stat.bootTimeSeconds).toBe(1418183276);
    expect(stat.cpus.map((c) => c.cpu)).toEqual(["total", "0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(stat.cpus[0]).toMatchObject({ user: 301854, nice: 612, system: 111922, idle: 8979004, guest: 44, guestNice: 36 });
    expect(stat.cpus[8]).toEqual({
      cpu: "7",
      user: 29098,
      nice: 268,
      system: 10164,
      idle: 1139282,
      iowait: 555,
      irq: 0,
      softirq: 31,
      steal: 0,
      guest: 9,
      guestNice: 8,
    });
  });

  it("ignores page, swap and entropy_avail lines (telegraf)", () => {
    const stat = parseStat(procFixture("stat-1cpu-with-page-swap-entropy-lines-telegraf.txt"));
    expect(stat.bootTimeSeconds).toBe(1457505775);
    expect(stat.cpus).toHaveLength(2);
    expect(stat.cpus[1]).toMatchObject({ cpu: "0", user: 6796, nice: 252, system: 5655, idle: 10444977, iowait: 175, softirq: 101 });
  });

  it("leaves the columns a 2.6-era kernel lacks absent, not 0 (jc stat2, part 1)", () => {
    const stat = parseStat(procFixture("stat-1cpu-7-columns-2004-jc-stat2-part1.txt"));
    expect(stat.bootTimeSeconds).toBe(1093631447);
    expect(stat.cpus[1]).toEqual({
      cpu: "0",
      user: 259246,
      nice: 7001,
      system: 60190,
      idle: 34250993,
      iowait: 137517,
      irq: 772,
      softirq: 0,
    });
    expect(stat.cpus[1]).not.toHaveProperty("steal");
  });

  it("reads 8 CPUs with 7 columns (jc stat2, part 2)", () => {
    const stat = parseStat(procFixture("stat-8cpu-7-columns-2004-jc-stat2-part2.txt"));
    expect(stat.bootTimeSeconds).toBe(1078711415);
    expect(stat.cpus).toHaveLength(9);
    expect(stat.cpus[4]).toEqual({ cpu: "3", user: 35350, nice: 6, system: 2942, idle: 14811519, iowait: 3045, irq: 0, softirq: 3659 });
    expect(stat.cpus[0]).toMatchObject({ cpu: "total", user: 209841, idle: 118519346 });
  });

  it("gives nothing for empty input", () => {
    expect(parseStat("")).toEqual({ cpus: [] });
  });

  it("throws, naming the file, for input of which no line parses", () => {
    expect(() => parseStat("Segmentation fault (core dumped)\n")).toThrow(ProcParseError);
    expect(() => parseStat("intr 1 2 3\nctxt 9\n")).toThrow(/\/proc\/stat/);
  });

  it("skips a cpu line with a non-numeric or missing column", () => {
    const stat = parseStat("cpu  1 2 3 4 5\ncpu0 1 2 x 4\ncpu1 1 2 3\ncpu2 10 20 30 40\nbtime N/A\n");
    expect(stat.cpus).toEqual([
      { cpu: "total", user: 1, nice: 2, system: 3, idle: 4, iowait: 5 },
      { cpu: "2", user: 10, nice: 20, system: 30, idle: 40 },
    ]);
    expect(stat.bootTimeSeconds).toBeUndefined();
  });
});
