import type { AlertSeverity } from "../../shared/protocol/alert.ts";

/**
 * The life of one alert (one rule on one series of one host), as a pure function of its previous
 * state, the severities met now and the time: no clock, no I/O, so every path is tested with a
 * controllable clock (test/hub/rules/alert-machine.test.ts).
 *
 *   inactive ──met──▶ pending ──held for `for`──▶ firing ──not met──▶ resolved
 *      ▲                 │ not met                 │ severity change: notify   │ met again: pending, and no
 *      └─────────────────┘                         │ `repeat` passed: notify   │ firing before `cooldown` has
 *                                                                              │ passed since it resolved
 */
export type AlertPhase = "inactive" | "pending" | "firing" | "resolved";

export interface AlertState {
  phase: AlertPhase;
  /** Firing or resolved: the severity last notified. Pending: the highest severity met. */
  severity: AlertSeverity | null;
  /** Since when each severity's condition has held without a break (what `for` is measured on). */
  metSince: Partial<Record<AlertSeverity, number>>;
  /** When the alert last started firing: the event's startsAt. */
  firingSince: number | null;
  lastNotifiedAt: number | null;
  /** When it last resolved: the event's endsAt, and the start of the cooldown. */
  resolvedAt: number | null;
}

export const INACTIVE: AlertState = Object.freeze({
  phase: "inactive",
  severity: null,
  metSince: Object.freeze({}),
  firingSince: null,
  lastNotifiedAt: null,
  resolvedAt: null,
}) as AlertState;

export interface Timing {
  forMs: number;
  cooldownMs: number;
  /** 0: never repeat. */
  repeatMs: number;
}

/** Why the state changed; null when only the bookkeeping (metSince) moved. */
export type TransitionReason = "pending" | "cancelled" | "fired" | "escalated" | "deescalated" | "repeat" | "resolved";

export interface StepResult {
  state: AlertState;
  reason: TransitionReason | null;
  /** The notification this step sends, if any. */
  notify: "firing" | "resolved" | null;
}

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

function highest(severities: Iterable<AlertSeverity>): AlertSeverity | null {
  let best: AlertSeverity | null = null;
  for (const s of severities) if (best === null || SEVERITY_RANK[s] > SEVERITY_RANK[best]) best = s;
  return best;
}

/** One evaluation: `met` are the severities whose condition holds now (condition.ts). */
export function step(prev: AlertState, met: readonly AlertSeverity[], now: number, t: Timing): StepResult {
  const metSince: Partial<Record<AlertSeverity, number>> = {};
  for (const s of met) metSince[s] = prev.metSince[s] ?? now;
  const highestMet = highest(met);
  const qualified = highest(met.filter((s) => now - (metSince[s] as number) >= t.forMs));

  if (prev.phase === "firing") {
    if (highestMet === null) {
      return { state: { ...prev, phase: "resolved", metSince, resolvedAt: now }, reason: "resolved", notify: "resolved" };
    }
    const target = qualified ?? highestMet;
    if (target !== prev.severity) {
      const up = prev.severity === null || SEVERITY_RANK[target] > SEVERITY_RANK[prev.severity];
      return {
        state: { ...prev, severity: target, metSince, lastNotifiedAt: now },
        reason: up ? "escalated" : "deescalated",
        notify: "firing",
      };
    }
    if (t.repeatMs > 0 && now - (prev.lastNotifiedAt ?? now) >= t.repeatMs) {
      return { state: { ...prev, metSince, lastNotifiedAt: now }, reason: "repeat", notify: "firing" };
    }
    return { state: { ...prev, metSince }, reason: null, notify: null };
  }

  if (highestMet === null) {
    if (prev.phase !== "pending") return { state: { ...prev, metSince }, reason: null, notify: null };
    return { state: { ...prev, phase: prev.resolvedAt === null ? "inactive" : "resolved", metSince }, reason: "cancelled", notify: null };
  }
  const coolingDown = prev.resolvedAt !== null && now < prev.resolvedAt + t.cooldownMs;
  if (qualified !== null && !coolingDown) {
    return {
      state: { phase: "firing", severity: qualified, metSince, firingSince: now, lastNotifiedAt: now, resolvedAt: null },
      reason: "fired",
      notify: "firing",
    };
  }
  return {
    state: { ...prev, phase: "pending", severity: highestMet, metSince },
    reason: prev.phase === "pending" ? null : "pending",
    notify: null,
  };
}

/** When the condition started to hold without a break: the earliest severity's start. */
export function conditionSince(state: AlertState): number | null {
  const times = Object.values(state.metSince);
  return times.length === 0 ? null : Math.min(...times);
}
