import { describe, expect, it } from "vitest";
import { decideActive, healthOf } from "../../../hub/failover/decide.ts";
import { type MemberHealth, observeCheck, readyForFailback, UNKNOWN_HEALTH } from "../../../hub/failover/member-health.ts";
import { DEFAULT_INTERVAL, DEFAULT_TIMING, seeded, shape, simulate } from "./simulate.ts";

const T = DEFAULT_TIMING;
const GROUP = ["ollama-gpu", "ollama-cpu"];

/** Health after a list of outcomes at 2 s steps from t=0. */
function after(outcomes: boolean[], start: MemberHealth = UNKNOWN_HEALTH, t0 = 0): MemberHealth {
  return outcomes.reduce((h, ok, i) => observeCheck(h, ok, ok ? "ok" : "refused", t0 + i * 2000, T), start);
}

describe("member health", () => {
  it("is up at the first passed check of a member never seen failing", () => {
    expect(after([true])).toMatchObject({ status: "up", successes: 1, failures: 0, healthySince: 0, changedAt: 0 });
  });

  it("goes down at the failAfter-th failure in a row, not before", () => {
    expect(after([true, false, false]).status).toBe("up");
    expect(after([true, false, false, false])).toMatchObject({ status: "down", failures: 3, changedAt: 6000, detail: "refused" });
    expect(after([false, false, false]).status).toBe("down");
  });

  it("forgets failures at a pass: two failures, a pass, two failures keep it up", () => {
    expect(after([true, false, false, true, false, false])).toMatchObject({ status: "up", failures: 2 });
  });

  it("comes back only after recoverAfter passes spanning the hold time", () => {
    const down = after([false, false, false]);
    // 15 passes from t=6 s to t=34 s: the 15th is 28 s after the first, short of the 30 s hold.
    const passes = Array.from({ length: 15 }, () => true);
    const held = after(passes, down, 6000);
    expect(held).toMatchObject({ status: "down", successes: 15, healthySince: 6000 });
    expect(readyForFailback(held, 34_000, T)).toBe(false);
    // The 16th pass, at t=36 s, is 30 s after the first.
    const back = observeCheck(held, true, "ok", 36_000, T);
    expect(back).toMatchObject({ status: "up", changedAt: 36_000 });
    expect(readyForFailback(back, 36_000, T)).toBe(true);
  });

  it("starts the hold over at any failure while recovering", () => {
    const down = after([false, false, false]);
    const almost = after([...Array.from({ length: 14 }, () => true), false], down, 6000);
    expect(almost).toMatchObject({ status: "down", successes: 0, healthySince: null });
  });

  it("needs recoverAfter passes even when the hold is shorter", () => {
    const t = { failAfter: 3, recoverAfter: 5, holdMs: 1000 };
    let h = observeCheck(UNKNOWN_HEALTH, false, "x", 0, { ...t, failAfter: 1 });
    for (let i = 1; i <= 4; i++) h = observeCheck(h, true, "ok", i * 2000, t);
    expect(h.status).toBe("down");
    h = observeCheck(h, true, "ok", 10_000, t);
    expect(h.status).toBe("up");
  });

  it("a member up since its first pass is not ready for failback until it has held", () => {
    const h = after([true, true, true]);
    expect(h.status).toBe("up");
    expect(readyForFailback(h, 4000, T)).toBe(false);
    expect(readyForFailback(h, 30_000, T)).toBe(true);
  });
});

describe("primary killed: the fallback is active within failAfter x interval", () => {
  for (const killedAt of [100_000, 100_001, 101_999]) {
    it(`killed at ${killedAt} ms (checks every 2 s)`, () => {
      const sim = simulate({
        shape: shape(GROUP),
        intervalMs: DEFAULT_INTERVAL,
        startMs: 0,
        endMs: 200_000,
        ok: (m, t) => m !== "ollama-gpu" || t < killedAt,
      });
      expect(sim.switches).toHaveLength(1);
      const s = sim.switches[0];
      expect(s).toMatchObject({ from: "ollama-gpu", to: "ollama-cpu", cause: "failover" });
      expect((s?.at ?? 0) - killedAt).toBeLessThanOrEqual(T.failAfter * DEFAULT_INTERVAL);
      // The third failed check: never earlier than two intervals after the first one.
      expect(s?.at).toBe(Math.ceil(killedAt / DEFAULT_INTERVAL) * DEFAULT_INTERVAL + 2 * DEFAULT_INTERVAL);
    });
  }
});

describe("primary back: failback only after recoverAfter and the hold", () => {
  it("fails back at the first check 30 s after the primary's first passed check, not before", () => {
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: 300_000,
      ok: (m, t) => m !== "ollama-gpu" || t < 100_000 || t >= 150_000,
    });
    expect(sim.switches.map((s) => [s.at, s.to, s.cause])).toEqual([
      [104_000, "ollama-cpu", "failover"],
      [180_000, "ollama-gpu", "failback"],
    ]);
    expect(sim.activeAt.get(178_000)).toBe("ollama-cpu");
  });

  it("waits for recoverAfter when it takes longer than the hold", () => {
    const timing = { failAfter: 3, recoverAfter: 20, holdMs: 30_000 };
    const sim = simulate({
      shape: shape(GROUP, "auto", timing),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: 300_000,
      ok: (m, t) => m !== "ollama-gpu" || t < 100_000 || t >= 150_000,
    });
    // The 20th pass in a row: 150 s + 19 x 2 s.
    expect(sim.switches.at(-1)).toMatchObject({ at: 188_000, to: "ollama-gpu", cause: "failback" });
  });

  it("manual failback: stays on the fallback while it works, goes back when it fails", () => {
    const sim = simulate({
      shape: shape(GROUP, "manual"),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: 600_000,
      ok: (m, t) => (m === "ollama-gpu" ? t < 100_000 || t >= 150_000 : t < 400_000),
    });
    expect(sim.switches.map((s) => [s.at, s.to, s.cause])).toEqual([
      [104_000, "ollama-cpu", "failover"],
      [404_000, "ollama-gpu", "failover"],
    ]);
  });
});

describe("a flapping primary causes no switch storm", () => {
  const hour = 3_600_000;

  it("alternating pass and failure for an hour: never down, no switch", () => {
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: hour,
      ok: (m, t) => m !== "ollama-gpu" || (t / DEFAULT_INTERVAL) % 2 === 0,
    });
    expect(sim.switches).toEqual([]);
  });

  it("three failures then 28 s of passes, over and over: one failover, never back", () => {
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: hour,
      ok: (m, t) => m !== "ollama-gpu" || (t / DEFAULT_INTERVAL) % 18 >= 3,
    });
    expect(sim.switches.map((s) => s.cause)).toEqual(["failover"]);
  });

  it("random failures (30% of checks, fixed seed) for an hour: few switches, each failback after a full hold", () => {
    const random = seeded(42);
    const outcomes = new Map<number, boolean>();
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: hour,
      ok: (m, t) => {
        if (m !== "ollama-gpu") return true;
        const ok = random() >= 0.3;
        outcomes.set(t, ok);
        return ok;
      },
    });
    // 1800 checks with ~540 failures: a storm would switch hundreds of times.
    expect(sim.switches.length).toBeLessThanOrEqual(6);
    const failbacks = sim.switches.filter((x) => x.cause === "failback");
    expect(failbacks.length).toBeGreaterThan(0);
    for (const s of failbacks) {
      for (let t = s.at - T.holdMs; t <= s.at; t += DEFAULT_INTERVAL) expect(outcomes.get(t)).toBe(true);
    }
  });

  it("two members that both flap switch at most once per hold", () => {
    const random = seeded(11);
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: hour,
      ok: () => random() >= 0.5,
    });
    expect(sim.switches.length).toBeGreaterThan(1);
    for (let i = 1; i < sim.switches.length; i++) {
      expect((sim.switches[i]?.at ?? 0) - (sim.switches[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(T.holdMs);
    }
  });

  it("bounds the switch rate however the primary flaps: at most two switches per failAfter + hold", () => {
    const random = seeded(7);
    const sim = simulate({
      shape: shape(GROUP),
      intervalMs: DEFAULT_INTERVAL,
      startMs: 0,
      endMs: hour,
      // Long healthy and broken stretches of random length: the slowest flapping that can still switch.
      ok: (() => {
        let state = true;
        let until = 0;
        return (m: string, t: number) => {
          if (m !== "ollama-gpu") return true;
          if (t >= until) {
            state = !state;
            until = t + Math.floor(random() * 40) * DEFAULT_INTERVAL;
          }
          return state;
        };
      })(),
    });
    const cycleMs = T.failAfter * DEFAULT_INTERVAL + T.holdMs;
    expect(sim.switches.length).toBeGreaterThan(0);
    expect(sim.switches.length).toBeLessThanOrEqual(2 * Math.ceil(hour / cycleMs));
    for (let i = 2; i < sim.switches.length; i++) {
      expect((sim.switches[i]?.at ?? 0) - (sim.switches[i - 2]?.at ?? 0)).toBeGreaterThanOrEqual(cycleMs);
    }
  });
});

describe("decideActive", () => {
  const up = after([true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]);
  const down = after([false, false, false]);
  const members = new Map<string, MemberHealth>();
  const h = (entries: Record<string, MemberHealth>) => healthOf(new Map(Object.entries(entries)));

  it("a pin wins over health, and ends at its time", () => {
    const pin = { member: "ollama-cpu", until: 50_000, by: "ana", reason: "driver upgrade" };
    const g = shape(GROUP);
    expect(decideActive(g, { active: "ollama-gpu", since: 0, pin }, h({ "ollama-gpu": up, "ollama-cpu": down }), 40_000)).toEqual({
      to: "ollama-cpu",
      cause: "pin",
      reason: "pinned by ana until 1970-01-01T00:00:50.000Z: driver upgrade",
    });
    expect(decideActive(g, { active: "ollama-cpu", since: 0, pin }, h({ "ollama-gpu": up, "ollama-cpu": down }), 40_000)).toBeUndefined();
    // At the pin's end the checks decide again: the primary has held, so it takes the group back.
    expect(decideActive(g, { active: "ollama-cpu", since: 0, pin }, h({ "ollama-gpu": up, "ollama-cpu": up }), 50_000)).toMatchObject({
      to: "ollama-gpu",
      cause: "failback",
    });
  });

  it("stays on a down member when no other is up", () => {
    expect(
      decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, h({ "ollama-gpu": down, "ollama-cpu": down }), 1),
    ).toBeUndefined();
    expect(decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, healthOf(members), 1)).toBeUndefined();
  });

  it("fails over to the first up member in priority order, and back to the highest ready one", () => {
    const g = shape(["a", "b", "c"]);
    expect(decideActive(g, { active: "a", since: 0, pin: null }, h({ a: down, b: down, c: up }), 1)).toMatchObject({
      to: "c",
      cause: "failover",
    });
    expect(decideActive(g, { active: "a", since: 0, pin: null }, h({ a: down, b: up, c: up }), 1)).toMatchObject({
      to: "b",
      reason: "a failed 3 checks in a row (refused)",
    });
    expect(decideActive(g, { active: "c", since: 0, pin: null }, h({ a: down, b: up, c: up }), 40_000)).toMatchObject({
      to: "b",
      cause: "failback",
    });
  });

  it("with no member up, takes a member passing recoverAfter checks in a row, once the active one has held its place", () => {
    const recovering = after([true, true, true], down, 6000);
    expect(recovering.status).toBe("down");
    const health = h({ "ollama-gpu": down, "ollama-cpu": recovering });
    expect(decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, health, 29_999)).toBeUndefined();
    expect(decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, health, 30_000)).toEqual({
      to: "ollama-cpu",
      cause: "failover",
      reason: "ollama-gpu failed 3 checks in a row (refused); no member is up, ollama-cpu passed 3 in a row",
    });
    // Two passes are not enough, and an active member passing again keeps its place.
    const twice = h({ "ollama-gpu": down, "ollama-cpu": after([true, true], down, 6000) });
    expect(decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, twice, 60_000)).toBeUndefined();
    const activeBack = h({ "ollama-gpu": after([true, true, true], down, 6000), "ollama-cpu": recovering });
    expect(decideActive(shape(GROUP), { active: "ollama-gpu", since: 0, pin: null }, activeBack, 60_000)).toBeUndefined();
  });

  it("replaces an active member that is no longer in the config", () => {
    expect(decideActive(shape(GROUP), { active: "old-box", since: 0, pin: null }, h({ "ollama-gpu": down, "ollama-cpu": up }), 1)).toEqual({
      to: "ollama-cpu",
      cause: "config",
      reason: "old-box is no longer a member of the group",
    });
    expect(decideActive(shape(GROUP), { active: "old-box", since: 0, pin: null }, healthOf(members), 1)).toMatchObject({
      to: "ollama-gpu",
    });
  });
});
