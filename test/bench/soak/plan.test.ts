import { describe, expect, it } from "vitest";
import {
  alertCount,
  expectedSwitches,
  expectedTransitions,
  HOT_CELSIUS,
  makePlan,
  plannedGpuTemperature,
  slackStatusAt,
} from "../../../bench/soak/plan.ts";

const agentId = (i: number) => `bench-${String(i).padStart(5, "0")}`;

describe("the soak's plan", () => {
  const ci = makePlan({ agents: 20, durationMs: 120_000, intervalMs: 10_000, workers: 4 });

  it("schedules the CI run's faults at known times", () => {
    expect(ci.hubKills).toEqual([
      { atMs: 36_000, downMs: 2_000 },
      { atMs: 84_000, downMs: 2_000 },
    ]);
    expect(ci.workerKills.map((k) => [k.atMs, k.worker])).toEqual([
      [42_000, 0],
      [96_000, 1],
    ]);
    expect(ci.slackFailures).toEqual([
      { fromMs: 18_000, toMs: 42_000, status: 500 },
      { fromMs: 42_000, toMs: 60_000, status: 429 },
    ]);
    expect(ci.smtpDown).toEqual({ fromMs: 54_000, toMs: 78_000 });
    expect(ci.primaryDown).toEqual({ fromMs: 48_000, toMs: 66_000 });
    expect(ci.actionsAtMs).toEqual([24_000, 60_000, 102_000]);
    expect(ci.realAgentKill).toEqual({ atMs: 54_000, downMs: 1_000 });
  });

  it("makes four agents of twenty run hot, each for three pushes, spread over agents and time", () => {
    expect(ci.alerts).toEqual([
      { agent: 0, fromMs: 12_000, toMs: 42_000 },
      { agent: 5, fromMs: 27_000, toMs: 57_000 },
      { agent: 10, fromMs: 42_000, toMs: 72_000 },
      { agent: 15, fromMs: 57_000, toMs: 87_000 },
    ]);
    expect(expectedTransitions(ci, agentId)).toEqual([
      "bench-00000/gpu0/firing",
      "bench-00000/gpu0/resolved",
      "bench-00005/gpu0/firing",
      "bench-00005/gpu0/resolved",
      "bench-00010/gpu0/firing",
      "bench-00010/gpu0/resolved",
      "bench-00015/gpu0/firing",
      "bench-00015/gpu0/resolved",
    ]);
  });

  it("fixes the GPU temperature only inside an agent's hot window, end excluded", () => {
    expect(plannedGpuTemperature(ci, 5, 26_999)).toBeUndefined();
    expect(plannedGpuTemperature(ci, 5, 27_000)).toBe(HOT_CELSIUS);
    expect(plannedGpuTemperature(ci, 5, 56_999)).toBe(HOT_CELSIUS);
    expect(plannedGpuTemperature(ci, 5, 57_000)).toBeUndefined();
    expect(plannedGpuTemperature(ci, 6, 30_000)).toBeUndefined();
  });

  it("answers Slack as planned: 500, then 429, then 200 again", () => {
    expect([0, 18_000, 41_999, 42_000, 59_999, 60_000].map((t) => slackStatusAt(ci, t))).toEqual([200, 500, 500, 429, 429, 200]);
  });

  it("expects two failover switches: to the fallback and back", () => {
    expect(expectedSwitches(ci)).toBe(2);
    expect(expectedSwitches({ primaryDown: { fromMs: 10, toMs: 10 } })).toBe(0);
  });

  it("scales the long run: 50 alerts of 1,000 agents, outages capped, everything resolved before the end", () => {
    const long = makePlan({ agents: 1000, durationMs: 30 * 60_000, intervalMs: 10_000, workers: 8 });
    expect(long.alerts).toHaveLength(50);
    expect(new Set(long.alerts.map((a) => a.agent)).size).toBe(50);
    expect(Math.max(...long.alerts.map((a) => a.toMs))).toBeLessThanOrEqual(0.8 * long.durationMs);
    expect(long.slackFailures.map((w) => w.toMs - w.fromMs)).toEqual([240_000, 180_000]);
    expect(long.smtpDown.toMs - long.smtpDown.fromMs).toBe(300_000);
  });

  it("counts alerting agents: 1 in 20, at least 4 (at most all), at most 100", () => {
    expect([1, 3, 20, 100, 200, 1000, 5000].map(alertCount)).toEqual([1, 3, 4, 5, 10, 50, 100]);
  });
});
