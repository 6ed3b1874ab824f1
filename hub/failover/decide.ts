import { type HealthTiming, type MemberHealth, readyForFailback, UNKNOWN_HEALTH, usable } from "./member-health.ts";

/** An operator's override: this member is active until `until`, whatever the checks say. */
export interface Pin {
  member: string;
  until: number;
  by: string;
  reason: string | null;
}

/** What the decision needs of a group. */
export interface GroupShape {
  /** Member names in priority order: the first is the primary. */
  members: readonly string[];
  failback: "auto" | "manual";
  timing: HealthTiming;
}

/** Why the active member changes. */
export type SwitchCause = "failover" | "failback" | "pin" | "config";

export interface SwitchDecision {
  to: string;
  cause: SwitchCause;
  reason: string;
}

/**
 * Which member should be active now: a pure function of the group's shape, the active member, the
 * pin and the members' health, so every rule (fail after N, recover after M plus the hold, pins,
 * failback policy) is tested with a controllable clock. Undefined means: stay.
 *
 * 1. An unexpired pin wins.
 * 2. An active member no longer in the config is replaced (by the first up member, else the primary).
 * 3. An active member that is not down stays, unless failback is auto and a member before it in
 *    priority order is ready for failback (readyForFailback): then the first such member takes over.
 * 4. A down active member is replaced by the first up member in priority order. With none up, and
 *    the active member not usable either, the first usable (recovering) member takes over: serving
 *    from a member that passed recoverAfter checks in a row beats serving nothing while it holds.
 *    That takeover waits until the active member has been active for the hold time, so members that
 *    all flap switch at most once per hold. Otherwise the group stays where it is.
 */
export function decideActive(
  group: GroupShape,
  state: { active: string; since: number; pin: Pin | null },
  health: (member: string) => MemberHealth,
  now: number,
): SwitchDecision | undefined {
  const { active, pin } = state;
  if (pin !== null && pin.until > now) {
    if (pin.member === active) return undefined;
    const why = pin.reason === null ? "" : `: ${pin.reason}`;
    return { to: pin.member, cause: "pin", reason: `pinned by ${pin.by} until ${new Date(pin.until).toISOString()}${why}` };
  }
  const index = group.members.indexOf(active);
  if (index === -1) {
    const to = group.members.find((m) => health(m).status === "up") ?? group.members[0];
    if (to === undefined) return undefined;
    return { to, cause: "config", reason: `${active} is no longer a member of the group` };
  }
  const current = health(active);
  if (current.status !== "down") {
    if (group.failback === "manual") return undefined;
    for (const to of group.members.slice(0, index)) {
      const h = health(to);
      if (readyForFailback(h, now, group.timing)) {
        const held = Math.round((now - (h.healthySince ?? now)) / 1000);
        return { to, cause: "failback", reason: `${to} passed ${h.successes} checks in a row over ${held} s; failback from ${active}` };
      }
    }
    return undefined;
  }
  const why = current.detail === null ? "" : ` (${current.detail})`;
  const to = group.members.find((m) => m !== active && health(m).status === "up");
  if (to !== undefined) return { to, cause: "failover", reason: `${active} failed ${current.failures} checks in a row${why}` };
  if (usable(current, group.timing) || now - state.since < group.timing.holdMs) return undefined;
  const recovering = group.members.find((m) => m !== active && usable(health(m), group.timing));
  if (recovering === undefined) return undefined;
  const passes = health(recovering).successes;
  return {
    to: recovering,
    cause: "failover",
    reason: `${active} failed ${current.failures} checks in a row${why}; no member is up, ${recovering} passed ${passes} in a row`,
  };
}

/** Health of members never checked. */
export function healthOf(map: ReadonlyMap<string, MemberHealth>): (member: string) => MemberHealth {
  return (m) => map.get(m) ?? UNKNOWN_HEALTH;
}
