import { ApiError } from "../../shared/http/api-error.ts";
import type { LeaseAnswer } from "./api.ts";
import type { GroupRecord } from "./failover-store.ts";

export interface LeaseGroup {
  name: string;
  /** Members in priority order: name and host. */
  members: ReadonlyArray<{ name: string; host: string }>;
  leaseMs: number;
  unreachable: LeaseAnswer["unreachable"];
}

/**
 * Whether `agentId` (optionally as one named member) may act as the group's active member now: the
 * fencing rule of `run-if-active`, pure so that it is tested exhaustively. A host is granted a
 * lease only while its member is active, and only once every lease of earlier epochs has expired, so
 * two hosts never hold leases at the same time even when a switch follows a grant at once. The
 * caller records the granted lease (FailoverStore.recordLease).
 */
export function decideLease(g: LeaseGroup, row: GroupRecord, agentId: string, member: string | undefined, now: number): LeaseAnswer {
  const own = g.members.filter((m) => m.host === agentId && (member === undefined || m.name === member));
  const mine = own.find((m) => m.name === row.active) ?? own[0];
  if (mine === undefined) {
    const what = member === undefined ? `host "${agentId}" has no member` : `host "${agentId}" has no member named "${member}"`;
    throw new ApiError(404, "FAILOVER_NOT_A_MEMBER", `${what} in failover group ${g.name}`, {
      field: member === undefined ? "agent" : "member",
    });
  }
  const role = g.members[0]?.name === mine.name ? "primary" : "fallback";
  const base = {
    group: g.name,
    agentId,
    member: mine.name,
    role,
    epoch: row.epoch,
    activeMember: row.active,
    unreachable: g.unreachable,
  } as const;
  const no = (reason: string, retryAfterMs: number | null = null): LeaseAnswer => ({
    ...base,
    active: false,
    leaseExpiresAt: null,
    leaseMs: null,
    retryAfterMs,
    reason,
  });
  if (mine.name !== row.active) {
    const host = g.members.find((m) => m.name === row.active)?.host ?? "?";
    return no(`${row.active} on ${host} is the active member (epoch ${row.epoch})`);
  }
  if (now < row.previousLeaseUntil) {
    const wait = row.previousLeaseUntil - now;
    return no(
      `${mine.name} is active since epoch ${row.epoch}, but a lease of an earlier epoch runs for ${Math.ceil(wait / 1000)} s more`,
      wait,
    );
  }
  return {
    ...base,
    active: true,
    leaseExpiresAt: now + g.leaseMs,
    leaseMs: g.leaseMs,
    retryAfterMs: null,
    reason: `${mine.name} is the active member`,
  };
}
