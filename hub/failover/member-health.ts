/** The group's health thresholds (failover.groups.<name>.check), in the units the machine uses. */
export interface HealthTiming {
  failAfter: number;
  recoverAfter: number;
  holdMs: number;
}

/**
 * What the hub knows of one member's health, from its checks. Kept in memory only: after a restart
 * every member starts `unknown` again, while the active member and the epoch are persisted, so a
 * restart never switches by itself.
 *
 * - `unknown` -> `up` at the first passed check (nothing speaks against a member never seen failing),
 *   `unknown` -> `down` after `failAfter` failed checks in a row;
 * - `up` -> `down` after `failAfter` failed checks in a row;
 * - `down` -> `up` after `recoverAfter` passed checks in a row spanning at least `holdMs` (counted
 *   from the first of them, so one failure starts the wait over: a flapping member stays down).
 */
export interface MemberHealth {
  status: "unknown" | "up" | "down";
  /** Failed checks in a row (0 after a pass). */
  failures: number;
  /** Passed checks in a row (0 after a failure). */
  successes: number;
  /** When the current run of passed checks began; null while failing. */
  healthySince: number | null;
  /** When `status` last changed; null while unknown. */
  changedAt: number | null;
  lastCheckAt: number | null;
  /** What the last check said: why it failed, or what it saw. */
  detail: string | null;
}

export const UNKNOWN_HEALTH: MemberHealth = {
  status: "unknown",
  failures: 0,
  successes: 0,
  healthySince: null,
  changedAt: null,
  lastCheckAt: null,
  detail: null,
};

/** The member's health after one check's outcome at `now`. */
export function observeCheck(h: MemberHealth, ok: boolean, detail: string, now: number, t: HealthTiming): MemberHealth {
  if (ok) {
    const next: MemberHealth = {
      ...h,
      failures: 0,
      successes: h.successes + 1,
      healthySince: h.healthySince ?? now,
      lastCheckAt: now,
      detail,
    };
    if (h.status === "unknown" || (h.status === "down" && heldLongEnough(next, now, t))) return { ...next, status: "up", changedAt: now };
    return next;
  }
  const next: MemberHealth = { ...h, failures: h.failures + 1, successes: 0, healthySince: null, lastCheckAt: now, detail };
  if (h.status !== "down" && next.failures >= t.failAfter) return { ...next, status: "down", changedAt: now };
  return next;
}

/**
 * Whether an up member may take over from a lower one (failback): it has passed `recoverAfter`
 * checks in a row over at least the hold time. Stricter than `up`, which a member never seen
 * failing reaches at its first pass: after a hub restart a primary must hold again before it takes
 * the group back.
 */
export function readyForFailback(h: MemberHealth, now: number, t: HealthTiming): boolean {
  return h.status === "up" && heldLongEnough(h, now, t);
}

function heldLongEnough(h: MemberHealth, now: number, t: HealthTiming): boolean {
  return h.successes >= t.recoverAfter && h.healthySince !== null && now - h.healthySince >= t.holdMs;
}

/**
 * Whether a member can serve: not down, or down but passing its last `recoverAfter` checks in a row
 * (recovering, short of the hold). The proxy forwards to a usable active member, and a group whose
 * active member is unusable takes any usable member rather than serve nothing.
 */
export function usable(h: MemberHealth, t: HealthTiming): boolean {
  return h.status !== "down" || h.successes >= t.recoverAfter;
}

/**
 * Whether the group's "no healthy member" alert changes, with hysteresis so that a lone flapping
 * member cannot make a storm of it: it fires when the active member becomes unusable, and resolves
 * only once the active member is up again (recoverAfter passes over the hold), not at its first passes.
 */
export function availabilityChange(firing: boolean, active: MemberHealth, t: HealthTiming): "fire" | "resolve" | undefined {
  if (!firing && !usable(active, t)) return "fire";
  if (firing && active.status === "up") return "resolve";
  return undefined;
}
