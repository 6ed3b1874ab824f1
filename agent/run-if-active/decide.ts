import type { AgentLeaseAnswer } from "./lease-answer.ts";
import { RUN_EXIT } from "./exit-codes.ts";

/** What asking the hub gave. */
export type HubOutcome =
  | { kind: "answer"; answer: AgentLeaseAnswer; askedAt: number }
  /** No answer, or a 5xx: the policy decides. */
  | { kind: "unreachable"; reason: string }
  /** A 4xx or an answer this agent cannot read: a configuration problem, nobody runs. */
  | { kind: "refused"; reason: string };

/** The last answer kept on this host, so the policy can be followed when the hub is unreachable. */
export interface LeaseMemory {
  group: string;
  member: string;
  role: "primary" | "fallback";
  unreachable: "primary-runs" | "none-run";
  /** The epoch of the last answer. */
  epoch: number;
  active: boolean;
  /** The last epoch in which this host was granted a lease; null if never. */
  lastActiveEpoch: number | null;
  /** Until when (this host's clock) the last granted lease runs; null when the last answer was no. */
  leaseUntil: number | null;
  answeredAt: number;
}

export type Decision =
  | { run: true; epoch: number; member: string; confirmed: boolean; level: "info" | "warn"; message: string }
  | { run: false; exitCode: number; level: "info" | "warn" | "error"; message: string };

/**
 * Whether to run the command, pure, so every case is tested: the hub's answer when there is one;
 * without one, a lease the hub granted earlier that has not run out yet; else the group's policy.
 *
 * Under the policy, the primary runs with the last epoch it was granted (0 if none), never with a
 * newer one it only heard of: an epoch belongs to the one member that was active in it, so a job
 * that writes its epoch beside its output lets readers drop a stale primary's late writes.
 */
export function decideRun(outcome: HubOutcome, memory: LeaseMemory | undefined, now: number): { decision: Decision; memory?: LeaseMemory } {
  if (outcome.kind === "answer") {
    const a = outcome.answer;
    const next: LeaseMemory = {
      group: a.group,
      member: a.member,
      role: a.role,
      unreachable: a.unreachable,
      epoch: a.epoch,
      active: a.active,
      lastActiveEpoch: a.active ? a.epoch : (memory?.lastActiveEpoch ?? null),
      leaseUntil: a.active && a.leaseMs !== null ? outcome.askedAt + a.leaseMs : null,
      answeredAt: outcome.askedAt,
    };
    if (a.active)
      return { memory: next, decision: { run: true, epoch: a.epoch, member: a.member, confirmed: true, level: "info", message: a.reason } };
    const retry = a.retryAfterMs === null ? "" : ` (may be active in ${Math.ceil(a.retryAfterMs / 1000)} s)`;
    return {
      memory: next,
      decision: { run: false, exitCode: RUN_EXIT.notActive, level: "info", message: `not the active member: ${a.reason}${retry}` },
    };
  }
  if (outcome.kind === "refused") return { decision: { run: false, exitCode: RUN_EXIT.config, level: "error", message: outcome.reason } };
  const why = `the hub is unreachable (${outcome.reason})`;
  if (memory === undefined) {
    return {
      decision: {
        run: false,
        exitCode: RUN_EXIT.hubUnreachable,
        level: "warn",
        message: `${why} and has never answered this host for this group, so it cannot tell whether it is the primary: not running`,
      },
    };
  }
  if (memory.active && memory.leaseUntil !== null && memory.leaseUntil > now) {
    const left = Math.ceil((memory.leaseUntil - now) / 1000);
    return {
      decision: {
        run: true,
        epoch: memory.epoch,
        member: memory.member,
        confirmed: true,
        level: "warn",
        message: `${why}; running under its last lease (${left} s left)`,
      },
    };
  }
  if (memory.role === "primary" && memory.unreachable === "primary-runs") {
    const epoch = memory.lastActiveEpoch ?? 0;
    return {
      decision: {
        run: true,
        epoch,
        member: memory.member,
        confirmed: false,
        level: "warn",
        message: `${why}; running as the group's primary under its policy primary-runs, with epoch ${epoch} (the last one granted to this host)`,
      },
    };
  }
  const because =
    memory.unreachable === "none-run" ? "the group's policy is none-run" : `${memory.member} is a fallback (policy primary-runs)`;
  return { decision: { run: false, exitCode: RUN_EXIT.hubUnreachable, level: "warn", message: `${why} and ${because}: not running` } };
}
