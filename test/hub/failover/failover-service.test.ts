import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML, T0 } from "./harness.ts";

const tempDir = useTempDirs();
const open: FailoverHarness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

function harness(yaml = GROUPS_YAML): FailoverHarness {
  const h = failoverHarness(tempDir(), yaml);
  open.push(h);
  return h;
}

function historyRows(h: FailoverHarness, group: string) {
  return h.store.db
    .prepare("SELECT epoch, from_member AS f, to_member AS t, cause FROM failover_history WHERE group_name = ? ORDER BY epoch")
    .all(group);
}

describe("FailoverService", () => {
  it("starts with the primary active in epoch 1, recorded as the first history row", () => {
    const h = harness();
    expect(h.failover.status("ollama", 10)).toMatchObject({
      active: "ollama-gpu",
      activeHost: "gpu-box",
      epoch: 1,
      since: T0,
      reason: "ollama-gpu is the primary",
      available: true,
      history: [{ epoch: 1, from: null, to: "ollama-gpu", at: T0, cause: "initial" }],
    });
    expect(historyRows(h, "predictions")).toEqual([{ epoch: 1, f: null, t: "job-a", cause: "initial" }]);
  });

  it("fails over at the third failed check, persists epoch 2 with its history, and notifies", async () => {
    const h = harness();
    await h.runUntil("ollama", T0 + 10_000);
    h.set("ollama-gpu", false, "/api/version: connection refused");
    await h.runUntil("ollama", T0 + 14_000);
    expect(h.failover.status("ollama").active).toBe("ollama-gpu");
    await h.runUntil("ollama", T0 + 16_000);
    const s = h.failover.status("ollama", 5);
    expect(s).toMatchObject({
      active: "ollama-cpu",
      epoch: 2,
      since: T0 + 16_000,
      reason: "ollama-gpu failed 3 checks in a row (/api/version: connection refused)",
    });
    expect(s.members.map((m) => [m.name, m.status, m.failures, m.successes])).toEqual([
      ["ollama-gpu", "down", 3, 0],
      ["ollama-cpu", "up", 0, 8],
    ]);
    // Read from the file by another connection: what a crash right after would leave.
    const db = new Database(`${h.dir}/hub.sqlite`, { readonly: true });
    expect(db.prepare("SELECT epoch, active_member AS active FROM failover_groups WHERE name = 'ollama'").get()).toEqual({
      epoch: 2,
      active: "ollama-cpu",
    });
    db.close();
    expect(historyRows(h, "ollama")).toEqual([
      { epoch: 1, f: null, t: "ollama-gpu", cause: "initial" },
      { epoch: 2, f: "ollama-gpu", t: "ollama-cpu", cause: "failover" },
    ]);
    expect(h.sink.submitted).toEqual([
      {
        source: "failover",
        events: [
          {
            fingerprint: "failover:ollama",
            rule: "failover-switch",
            status: "firing",
            severity: "warning",
            hostId: "gpu-box",
            labels: { group: "ollama", from: "ollama-gpu", member: "ollama-cpu" },
            value: null,
            threshold: null,
            startsAt: T0 + 16_000,
            endsAt: null,
            annotations: {
              summary: "failover ollama: ollama-gpu -> ollama-cpu (epoch 2, failover)",
              description: "ollama-gpu failed 3 checks in a row (/api/version: connection refused)",
            },
          },
        ],
      },
    ]);
  });

  it("fails back after the hold, notifying the end of the failed-over period", async () => {
    const h = harness();
    h.set("ollama-gpu", false);
    await h.runUntil("ollama", T0 + 6_000);
    expect(h.failover.status("ollama").epoch).toBe(2);
    h.set("ollama-gpu", true);
    await h.runUntil("ollama", T0 + 34_000);
    expect(h.failover.status("ollama").active).toBe("ollama-cpu");
    await h.runUntil("ollama", T0 + 38_000);
    expect(h.failover.status("ollama")).toMatchObject({ active: "ollama-gpu", epoch: 3, since: T0 + 38_000 });
    const back = h.sink.events.at(-1);
    expect(back).toMatchObject({ status: "resolved", startsAt: T0 + 6_000, endsAt: T0 + 38_000, labels: { member: "ollama-gpu" } });
  });

  it("keeps the active member and the epoch over a restart, and fails back only after a new hold", async () => {
    const h = harness();
    h.set("ollama-gpu", false);
    await h.runUntil("ollama", T0 + 6_000);
    const restarted = h.restart();
    open.push(restarted);
    expect(restarted.failover.status("ollama")).toMatchObject({ active: "ollama-cpu", epoch: 2 });
    // Every member passes from the first check after the restart: the primary is up at once,
    // but takes the group back only after recoverAfter passes over the 30 s hold.
    await restarted.runUntil("ollama", T0 + 34_000);
    expect(restarted.failover.status("ollama")).toMatchObject({ active: "ollama-cpu", epoch: 2 });
    await restarted.runUntil("ollama", T0 + 38_000);
    expect(restarted.failover.status("ollama")).toMatchObject({
      active: "ollama-gpu",
      epoch: 3,
      reason: expect.stringMatching(/failback/),
    });
  });

  it("with no healthy member, says so once, takes the first member passing checks again, and resolves once it has held", async () => {
    const h = harness();
    h.set("ollama-gpu", false, "/api/version: connection refused");
    h.set("ollama-cpu", false, "/api/version: answered 500");
    await h.runUntil("ollama", T0 + 20_000);
    expect(h.failover.status("ollama")).toMatchObject({ active: "ollama-gpu", epoch: 1, available: false });
    expect(() => h.failover.proxyTarget("ollama")).toThrow(); // no proxy in this group: 404 either way
    h.set("ollama-cpu", true);
    // Three passes (22, 24, 26 s), and the active member has held its place for 30 s at 30 s.
    await h.runUntil("ollama", T0 + 28_000);
    expect(h.failover.status("ollama")).toMatchObject({ active: "ollama-gpu", available: false });
    await h.runUntil("ollama", T0 + 30_000);
    expect(h.failover.status("ollama")).toMatchObject({
      active: "ollama-cpu",
      epoch: 2,
      available: true,
      reason: "ollama-gpu failed 15 checks in a row (/api/version: connection refused); no member is up, ollama-cpu passed 5 in a row",
    });
    await h.runUntil("ollama", T0 + 60_000);
    expect(h.sink.events.map((e) => `${e.rule} ${e.status} ${e.startsAt - T0} ${e.endsAt === null ? "-" : e.endsAt - T0}`)).toEqual([
      "failover-no-healthy-member firing 6000 -",
      "failover-switch firing 30000 -",
      // ollama-cpu is up again 30 s after its first pass at 22 s.
      "failover-no-healthy-member resolved 6000 52000",
    ]);
    expect(h.sink.events[0]?.annotations.description).toBe(
      "ollama-gpu: /api/version: connection refused; ollama-cpu: /api/version: answered 500",
    );
  });

  it("requests the members' actions after a switch: onDeactivate of the old, onActivate of the new", async () => {
    const h = harness();
    h.set("job-a", false, "host box-a is down (last report 40 s ago)");
    await h.runUntil("predictions", T0 + 6_000);
    expect(h.failover.status("predictions")).toMatchObject({ active: "job-b", epoch: 2 });
    await Promise.resolve();
    expect(h.actions.asked).toEqual([
      {
        operator: "failover-predictions",
        agentId: "box-b",
        action: "start-unit",
        params: { unit: "predictions-fallback.timer" },
        reason: "failover predictions: job-b activated (epoch 2)",
      },
    ]);
    h.set("job-a", true);
    await h.runUntil("predictions", T0 + 40_000);
    expect(h.failover.status("predictions")).toMatchObject({ active: "job-a", epoch: 3 });
    expect(h.actions.asked.at(-1)).toMatchObject({
      agentId: "box-b",
      action: "stop-unit",
      reason: "failover predictions: job-b deactivated (epoch 3)",
    });
  });

  it("pins a member at once until the pin ends, then the checks decide again", async () => {
    const h = harness();
    await h.runUntil("ollama", T0 + 60_000);
    const pinned = h.failover.pin("ollama", { member: "ollama-cpu", until: T0 + 120_000, by: "ana", reason: "driver upgrade" });
    expect(pinned).toMatchObject({
      active: "ollama-cpu",
      epoch: 2,
      reason: "pinned by ana until 2026-09-21T14:15:20.000Z: driver upgrade",
      pin: { member: "ollama-cpu", until: T0 + 120_000, by: "ana", reason: "driver upgrade" },
    });
    await h.runUntil("ollama", T0 + 118_000);
    expect(h.failover.status("ollama")).toMatchObject({ active: "ollama-cpu", epoch: 2 });
    await h.runUntil("ollama", T0 + 120_000);
    expect(h.failover.status("ollama")).toMatchObject({ active: "ollama-gpu", epoch: 3, pin: null });
    expect(historyRows(h, "ollama").map((r) => (r as { cause: string }).cause)).toEqual(["initial", "pin", "failback"]);
  });

  it("refuses a pin to an unknown member, in the past, or longer than 30 days", () => {
    const h = harness();
    const pin = (member: string, until: number) => () => h.failover.pin("ollama", { member, until, by: "ana", reason: null });
    expect(pin("ollama-tpu", T0 + 1000)).toThrow('group ollama has no member "ollama-tpu" (members: ollama-gpu, ollama-cpu)');
    expect(pin("ollama-cpu", T0)).toThrow("until: the pin would end before it starts");
    expect(pin("ollama-cpu", T0 + 31 * 86_400_000)).toThrow("until: a pin lasts at most 30 days");
    expect(h.failover.status("ollama").epoch).toBe(1);
  });

  it("an unpin lets a failback happen at once when the primary has held", async () => {
    const h = harness();
    h.failover.pin("ollama", { member: "ollama-cpu", until: T0 + 3_600_000, by: "ana", reason: null });
    await h.runUntil("ollama", T0 + 40_000);
    expect(h.failover.unpin("ollama", "admin")).toMatchObject({ active: "ollama-gpu", epoch: 3, pin: null });
  });
});
