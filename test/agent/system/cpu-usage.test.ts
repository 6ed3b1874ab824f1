import { describe, expect, it } from "vitest";
import { perSecondRate } from "../../../agent/collectors/system/counter-rate.ts";
import { cpuUsagePercent } from "../../../agent/collectors/system/cpu-usage.ts";
import type { CpuTimes } from "../../../agent/collectors/system/parse-stat.ts";

const BEFORE: CpuTimes = {
  cpu: "0",
  user: 1000,
  nice: 10,
  system: 500,
  idle: 8000,
  iowait: 100,
  irq: 5,
  softirq: 20,
  steal: 0,
  guest: 0,
  guestNice: 0,
};

function advancedBy(delta: Partial<Omit<CpuTimes, "cpu">>): CpuTimes {
  const next: CpuTimes = { ...BEFORE };
  for (const [k, v] of Object.entries(delta) as [keyof Omit<CpuTimes, "cpu">, number][]) next[k] = (BEFORE[k] ?? 0) + v;
  return next;
}

describe("cpuUsagePercent", () => {
  it("is the non-idle share of the elapsed ticks, iowait counted as idle", () => {
    // 60 user + 15 system busy; 100 idle + 25 iowait idle: 75 of 200.
    expect(cpuUsagePercent(BEFORE, advancedBy({ user: 60, system: 15, idle: 100, iowait: 25 }))).toBe(37.5);
  });

  it("counts irq, softirq and steal as busy", () => {
    expect(cpuUsagePercent(BEFORE, advancedBy({ irq: 10, softirq: 20, steal: 30, idle: 40 }))).toBe(60);
  });

  it("does not count guest time twice (it is already in user)", () => {
    expect(cpuUsagePercent(BEFORE, advancedBy({ user: 50, guest: 50, idle: 50 }))).toBe(50);
  });

  it("works with the seven columns of a 2.6-era kernel", () => {
    const old: CpuTimes = { cpu: "0", user: 10, nice: 0, system: 10, idle: 70, iowait: 10, irq: 0, softirq: 0 };
    expect(cpuUsagePercent(old, { ...old, user: 30, idle: 130, iowait: 30 })).toBe(20);
  });

  it("gives no value when no time passed", () => {
    expect(cpuUsagePercent(BEFORE, { ...BEFORE })).toBeUndefined();
  });

  it("gives no value when a counter went backwards", () => {
    expect(cpuUsagePercent(BEFORE, advancedBy({ user: -1, idle: 100 }))).toBeUndefined();
    expect(cpuUsagePercent(BEFORE, advancedBy({ idle: -200, user: 300 }))).toBeUndefined();
  });

  it("tolerates iowait going backwards while idle time as a whole advances", () => {
    // The kernel documents that iowait can decrease: 110 idle - 10 iowait = 100 idle of 200.
    expect(cpuUsagePercent(BEFORE, advancedBy({ user: 100, idle: 110, iowait: -10 }))).toBe(50);
  });

  it("gives no value when the line changed shape between readings", () => {
    const { steal: _s, guest: _g, guestNice: _gn, ...shorter } = advancedBy({ user: 100 });
    expect(cpuUsagePercent(BEFORE, shorter)).toBeUndefined();
  });
});

describe("perSecondRate", () => {
  it("divides the delta by the elapsed seconds", () => {
    expect(perSecondRate(1000, 6000, 2000)).toBe(2500);
    expect(perSecondRate(5, 5, 1000)).toBe(0);
  });

  it("gives no value for a counter reset or no elapsed time", () => {
    expect(perSecondRate(6000, 1000, 2000)).toBeUndefined();
    expect(perSecondRate(1000, 6000, 0)).toBeUndefined();
    expect(perSecondRate(1000, 6000, -5)).toBeUndefined();
  });
});
