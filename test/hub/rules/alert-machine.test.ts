import { describe, expect, it } from "vitest";
import { type AlertState, conditionSince, INACTIVE, type StepResult, step, type Timing } from "../../../hub/rules/alert-machine.ts";
import type { AlertSeverity } from "../../../shared/protocol/alert.ts";

const MIN = 60_000;
const T0 = 1_790_000_000_000;

/** A controllable clock driving one alert through the machine; each `at` call is one evaluation. */
function alert(timing: Timing) {
  let state: AlertState = INACTIVE;
  let now = T0;
  const log: StepResult[] = [];
  return {
    /** Evaluates `met` at T0 + `minutes`. */
    at(minutes: number, met: AlertSeverity[]): StepResult {
      now = T0 + minutes * MIN;
      const r = step(state, met, now, timing);
      state = r.state;
      log.push(r);
      return r;
    },
    get state() {
      return state;
    },
    /** The notifications sent so far: "firing:warning", "resolved:critical". */
    notifications: () => log.filter((r) => r.notify).map((r) => `${r.notify}:${r.state.severity}`),
  };
}

const W: AlertSeverity[] = ["warning"];
const WC: AlertSeverity[] = ["warning", "critical"];
const NONE: AlertSeverity[] = [];

describe("inactive -> pending -> firing (for)", () => {
  const timing = { forMs: 5 * MIN, cooldownMs: 0, repeatMs: 0 };

  it("stays inactive, writing nothing, while the condition does not hold", () => {
    const a = alert(timing);
    expect(a.at(0, NONE)).toEqual({ state: INACTIVE, reason: null, notify: null });
  });

  it("goes pending when the condition first holds, and fires once it has held for `for`, not a millisecond earlier", () => {
    const a = alert(timing);
    expect(a.at(0, W)).toMatchObject({ reason: "pending", notify: null, state: { phase: "pending", severity: "warning" } });
    expect(a.state.metSince).toEqual({ warning: T0 });
    expect(a.at(4.999, W)).toMatchObject({ reason: null, notify: null, state: { phase: "pending" } });
    expect(a.at(5, W)).toMatchObject({
      reason: "fired",
      notify: "firing",
      state: { phase: "firing", severity: "warning", firingSince: T0 + 5 * MIN, lastNotifiedAt: T0 + 5 * MIN },
    });
  });

  it("a break in the condition cancels pending and restarts the `for` count", () => {
    const a = alert(timing);
    a.at(0, W);
    expect(a.at(3, NONE)).toMatchObject({ reason: "cancelled", state: { phase: "inactive" } });
    a.at(4, W);
    expect(a.at(8, W).state.phase).toBe("pending");
    expect(a.at(9, W)).toMatchObject({ reason: "fired", state: { firingSince: T0 + 9 * MIN } });
  });

  it("with for 0 fires at the first evaluation that meets the condition", () => {
    const a = alert({ ...timing, forMs: 0 });
    expect(a.at(0, ["critical"])).toMatchObject({ reason: "fired", notify: "firing", state: { phase: "firing", severity: "critical" } });
  });

  it("pending reports the highest severity met; firing takes the highest one that held for `for`", () => {
    const a = alert(timing);
    a.at(0, W);
    expect(a.at(3, WC).state.severity).toBe("critical");
    // Warning has held for 5 minutes, critical only for 2: it fires as warning.
    expect(a.at(5, WC)).toMatchObject({ reason: "fired", state: { severity: "warning" } });
    expect(conditionSince(a.state)).toBe(T0);
  });
});

describe("firing -> resolved, severity changes, repeat", () => {
  it("resolves at the first evaluation without the condition, keeping the severity it fired with", () => {
    const a = alert({ forMs: 0, cooldownMs: 0, repeatMs: 0 });
    a.at(0, WC);
    expect(a.at(7, NONE)).toMatchObject({
      reason: "resolved",
      notify: "resolved",
      state: { phase: "resolved", severity: "critical", resolvedAt: T0 + 7 * MIN, firingSince: T0, metSince: {} },
    });
    expect(conditionSince(a.state)).toBeNull();
  });

  it("escalates only once the higher severity has held for `for`, and de-escalates at once", () => {
    const a = alert({ forMs: 5 * MIN, cooldownMs: 0, repeatMs: 0 });
    a.at(0, W);
    a.at(5, W);
    expect(a.at(6, WC)).toMatchObject({ reason: null, notify: null, state: { severity: "warning" } });
    expect(a.at(10, WC)).toMatchObject({ reason: null, state: { severity: "warning" } });
    expect(a.at(11, WC)).toMatchObject({
      reason: "escalated",
      notify: "firing",
      state: { severity: "critical", lastNotifiedAt: T0 + 11 * MIN },
    });
    expect(a.at(12, W)).toMatchObject({
      reason: "deescalated",
      notify: "firing",
      state: { severity: "warning", firingSince: T0 + 5 * MIN },
    });
    expect(a.notifications()).toEqual(["firing:warning", "firing:critical", "firing:warning"]);
  });

  it("repeats a still-firing alert every `repeat`, counted from the last notification", () => {
    const a = alert({ forMs: 0, cooldownMs: 0, repeatMs: 60 * MIN });
    a.at(0, W);
    expect(a.at(59, W).notify).toBeNull();
    expect(a.at(60, W)).toMatchObject({ reason: "repeat", notify: "firing", state: { lastNotifiedAt: T0 + 60 * MIN, firingSince: T0 } });
    expect(a.at(119, W).notify).toBeNull();
    expect(a.at(125, W).reason).toBe("repeat");
    // An escalation is a notification too: the next repeat counts from it.
    a.at(130, WC);
    expect(a.at(185, WC).notify).toBeNull();
    expect(a.at(190, WC).reason).toBe("repeat");
  });

  it("never repeats with repeat 0", () => {
    const a = alert({ forMs: 0, cooldownMs: 0, repeatMs: 0 });
    a.at(0, W);
    for (let m = 1; m < 60 * 24 * 3; m += 60) expect(a.at(m, W).notify).toBeNull();
  });
});

describe("cooldown", () => {
  const timing = { forMs: 2 * MIN, cooldownMs: 10 * MIN, repeatMs: 0 };

  it("holds a re-fire until the cooldown since the resolution has passed, then fires if the condition still holds", () => {
    const a = alert(timing);
    a.at(0, W);
    a.at(2, W); // fired
    a.at(3, NONE); // resolved at 3
    expect(a.at(4, W)).toMatchObject({ reason: "pending", state: { phase: "pending", resolvedAt: T0 + 3 * MIN } });
    // `for` (2 min) has passed at 6, but the cooldown runs until 13.
    expect(a.at(6, W)).toMatchObject({ reason: null, notify: null, state: { phase: "pending" } });
    expect(a.at(12.99, W).state.phase).toBe("pending");
    expect(a.at(13, W)).toMatchObject({ reason: "fired", notify: "firing", state: { firingSince: T0 + 13 * MIN, resolvedAt: null } });
    expect(a.notifications()).toEqual(["firing:warning", "resolved:warning", "firing:warning"]);
  });

  it("a flapping condition inside the cooldown sends nothing, and a pending that ends goes back to resolved", () => {
    const a = alert(timing);
    a.at(0, W);
    a.at(2, W);
    a.at(3, NONE);
    for (let m = 4; m < 13; m += 2) {
      expect(a.at(m, W).notify).toBeNull();
      expect(a.at(m + 1, NONE)).toMatchObject({ notify: null, state: { phase: "resolved", resolvedAt: T0 + 3 * MIN } });
    }
    expect(a.notifications()).toEqual(["firing:warning", "resolved:warning"]);
  });

  it("does not delay a condition that returns after the cooldown: only `for` applies", () => {
    const a = alert(timing);
    a.at(0, W);
    a.at(2, W);
    a.at(3, NONE);
    a.at(20, W);
    expect(a.at(21.99, W).state.phase).toBe("pending");
    expect(a.at(22, W).reason).toBe("fired");
  });
});
