import { decideActive, type GroupShape, healthOf, type Pin, type SwitchCause } from "../../../hub/failover/decide.ts";
import { type MemberHealth, observeCheck } from "../../../hub/failover/member-health.ts";

export interface SimSwitch {
  at: number;
  from: string;
  to: string;
  cause: SwitchCause;
}

export interface Simulation {
  switches: SimSwitch[];
  /** The active member after each round, by round time. */
  activeAt: Map<number, string>;
  health: Map<string, MemberHealth>;
}

/**
 * Drives the pure machine as the service does: a round of checks every `intervalMs` from `startMs`
 * (each member's outcome from `ok(member, t)`), then the decision. No I/O, no timers: the clock is
 * the round's time.
 */
export function simulate(o: {
  shape: GroupShape;
  intervalMs: number;
  startMs: number;
  endMs: number;
  ok: (member: string, t: number) => boolean;
  pin?: (t: number) => Pin | null;
}): Simulation {
  let active = o.shape.members[0] as string;
  let since = o.startMs;
  const health = new Map<string, MemberHealth>();
  const switches: SimSwitch[] = [];
  const activeAt = new Map<number, string>();
  for (let t = o.startMs; t <= o.endMs; t += o.intervalMs) {
    for (const m of o.shape.members) {
      const passed = o.ok(m, t);
      health.set(m, observeCheck(healthOf(health)(m), passed, passed ? "ok" : "connection refused", t, o.shape.timing));
    }
    const d = decideActive(o.shape, { active, since, pin: o.pin?.(t) ?? null }, healthOf(health), t);
    if (d !== undefined) {
      switches.push({ at: t, from: active, to: d.to, cause: d.cause });
      active = d.to;
      since = t;
    }
    activeAt.set(t, active);
  }
  return { switches, activeAt, health };
}

/** The defaults of failover.groups.<name>.check: every 2 s, down after 3 failures, back after 3 passes and 30 s. */
export const DEFAULT_TIMING = { failAfter: 3, recoverAfter: 3, holdMs: 30_000 };
export const DEFAULT_INTERVAL = 2_000;

export function shape(members: string[], failback: "auto" | "manual" = "auto", timing = DEFAULT_TIMING): GroupShape {
  return { members, failback, timing };
}

/** A small deterministic PRNG (mulberry32), so a "random" flapping pattern is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
