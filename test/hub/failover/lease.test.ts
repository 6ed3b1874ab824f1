import { afterEach, describe, expect, it } from "vitest";
import { leaseAnswer as agentLeaseAnswer } from "../../../agent/run-if-active/lease-answer.ts";
import { leaseAnswer } from "../../../hub/failover/api.ts";
import type { GroupRecord } from "../../../hub/failover/failover-store.ts";
import { decideLease, type LeaseGroup } from "../../../hub/failover/lease.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { seeded } from "./simulate.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML, T0 } from "./harness.ts";

const tempDir = useTempDirs();
const open: FailoverHarness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

const GROUP: LeaseGroup = {
  name: "predictions",
  members: [
    { name: "job-a", host: "box-a" },
    { name: "job-b", host: "box-b" },
  ],
  leaseMs: 60_000,
  unreachable: "primary-runs",
};

function row(o: Partial<GroupRecord> = {}): GroupRecord {
  return { name: "predictions", epoch: 4, active: "job-a", since: T0, reason: "", pin: null, leaseUntil: 0, previousLeaseUntil: 0, ...o };
}

describe("decideLease", () => {
  it("grants the active member's host a lease of the group's length", () => {
    expect(decideLease(GROUP, row(), "box-a", undefined, T0 + 5)).toEqual({
      group: "predictions",
      agentId: "box-a",
      member: "job-a",
      role: "primary",
      active: true,
      epoch: 4,
      activeMember: "job-a",
      leaseExpiresAt: T0 + 60_005,
      leaseMs: 60_000,
      retryAfterMs: null,
      unreachable: "primary-runs",
      reason: "job-a is the active member",
    });
  });

  it("says no to a standby host, naming the active member", () => {
    expect(decideLease(GROUP, row(), "box-b", undefined, T0)).toMatchObject({
      member: "job-b",
      role: "fallback",
      active: false,
      leaseExpiresAt: null,
      leaseMs: null,
      retryAfterMs: null,
      reason: "job-a on box-a is the active member (epoch 4)",
    });
  });

  it("makes a new member wait until every lease of earlier epochs has expired", () => {
    const r = row({ active: "job-b", epoch: 5, previousLeaseUntil: T0 + 42_000 });
    expect(decideLease(GROUP, r, "box-b", undefined, T0 + 12_000)).toMatchObject({
      active: false,
      retryAfterMs: 30_000,
      reason: "job-b is active since epoch 5, but a lease of an earlier epoch runs for 30 s more",
    });
    expect(decideLease(GROUP, r, "box-b", undefined, T0 + 42_000)).toMatchObject({ active: true, epoch: 5 });
  });

  it("refuses a host that is not a member, or a member name the host does not have", () => {
    expect(() => decideLease(GROUP, row(), "nas", undefined, T0)).toThrow('host "nas" has no member in failover group predictions');
    expect(() => decideLease(GROUP, row(), "box-a", "job-b", T0)).toThrow(
      'host "box-a" has no member named "job-b" in failover group predictions',
    );
  });

  it("answers about the active member when the host has several", () => {
    const both: LeaseGroup = { ...GROUP, members: [...GROUP.members, { name: "job-a2", host: "box-a" }] };
    expect(decideLease(both, row({ active: "job-a2" }), "box-a", undefined, T0)).toMatchObject({
      member: "job-a2",
      active: true,
      role: "fallback",
    });
    expect(decideLease(both, row({ active: "job-a2" }), "box-a", "job-a", T0)).toMatchObject({ member: "job-a", active: false });
  });

  it("is readable by the agent's run-if-active (its own schema of the answer)", () => {
    const answer = decideLease(GROUP, row(), "box-a", undefined, T0);
    expect(leaseAnswer.parse(answer)).toEqual(answer);
    expect(agentLeaseAnswer.parse(answer)).toMatchObject({ active: true, epoch: 4, leaseMs: 60_000, member: "job-a" });
  });
});

describe("leases across switches", () => {
  it("two hosts asking at random times while the primary fails and recovers never hold leases in one epoch or at one time", async () => {
    const h = failoverHarness(tempDir(), GROUPS_YAML);
    open.push(h);
    const random = seeded(2026);
    const grants: Array<{ agent: string; epoch: number; from: number; until: number }> = [];
    let healthy = true;
    const end = T0 + 3_600_000;
    let nextRound = T0;
    while (h.clock.now < end) {
      h.clock.now += Math.floor(random() * 5_000);
      if (random() < 0.02) {
        healthy = !healthy;
        h.set("job-a", healthy, healthy ? "ok" : "host box-a is down");
      }
      while (nextRound <= h.clock.now) {
        await h.round("predictions");
        nextRound += 2_000;
      }
      const agent = random() < 0.5 ? "box-a" : "box-b";
      const a = h.failover.lease("predictions", agent, undefined);
      if (a.active && a.leaseExpiresAt !== null) grants.push({ agent, epoch: a.epoch, from: h.clock.now, until: a.leaseExpiresAt });
    }
    const epochs = new Set(grants.map((g) => g.epoch));
    expect(epochs.size).toBeGreaterThan(4);
    expect(new Set(grants.map((g) => g.agent))).toEqual(new Set(["box-a", "box-b"]));
    for (const e of epochs) expect(new Set(grants.filter((g) => g.epoch === e).map((g) => g.agent)).size).toBe(1);
    for (const x of grants) {
      for (const y of grants) {
        if (x.agent !== y.agent) expect(x.until <= y.from || y.until <= x.from).toBe(true);
      }
    }
  });
});
