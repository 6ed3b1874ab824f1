import { describe, expect, it } from "vitest";
import { parseRunIfActiveArgs } from "../../../agent/run-if-active/args.ts";
import { decideRun, type HubOutcome, type LeaseMemory } from "../../../agent/run-if-active/decide.ts";
import type { AgentLeaseAnswer } from "../../../agent/run-if-active/lease-answer.ts";

const NOW = 1_790_000_000_000;

describe("parseRunIfActiveArgs", () => {
  it("takes everything after -- as the command, untouched", () => {
    expect(parseRunIfActiveArgs(["-c", "/etc/vigil/agent.yaml", "predictions", "--", "/opt/predict/run", "--model", "-v", "--"])).toEqual({
      kind: "run",
      args: {
        configFile: "/etc/vigil/agent.yaml",
        member: undefined,
        timeoutMs: undefined,
        group: "predictions",
        command: ["/opt/predict/run", "--model", "-v", "--"],
      },
    });
    expect(parseRunIfActiveArgs(["--member", "job-b", "--timeout", "3s", "predictions", "--", "true"])).toMatchObject({
      kind: "run",
      args: { member: "job-b", timeoutMs: 3000, command: ["true"] },
    });
  });

  it("says what is missing or wrong", () => {
    const usage = (argv: string[]) => {
      const p = parseRunIfActiveArgs(argv);
      return p.kind === "usage" ? p.message : p.kind;
    };
    expect(usage(["predictions", "/opt/predict/run"])).toBe('unexpected "/opt/predict/run": put -- before the command');
    expect(usage(["predictions"])).toBe("missing -- <command>: the command to run goes after --");
    expect(usage(["predictions", "--"])).toBe("missing the command after --");
    expect(usage(["--", "true"])).toBe("missing <group>");
    expect(usage(["../etc", "--", "true"])).toBe('"../etc" is not a group name');
    expect(usage(["--timeout", "5", "g", "--", "true"])).toBe('--timeout "5": expected a duration such as 5s');
    expect(usage(["--frobnicate", "g", "--", "true"])).toMatch(/Unknown option '--frobnicate'/);
    expect(usage(["--help"])).toBe("help");
  });
});

const answer = (o: Partial<AgentLeaseAnswer> = {}): AgentLeaseAnswer => ({
  group: "predictions",
  member: "job-a",
  role: "primary",
  active: true,
  epoch: 7,
  activeMember: "job-a",
  leaseMs: 30_000,
  retryAfterMs: null,
  unreachable: "primary-runs",
  reason: "job-a is the active member",
  ...o,
});
const asked = (a: AgentLeaseAnswer): HubOutcome => ({ kind: "answer", answer: a, askedAt: NOW });
const unreachable: HubOutcome = { kind: "unreachable", reason: "http://10.0.0.2:9470: ECONNREFUSED" };
const memory = (o: Partial<LeaseMemory> = {}): LeaseMemory => ({
  group: "predictions",
  member: "job-a",
  role: "primary",
  unreachable: "primary-runs",
  epoch: 9,
  active: false,
  lastActiveEpoch: 7,
  leaseUntil: null,
  answeredAt: NOW - 300_000,
  ...o,
});

describe("decideRun", () => {
  it("runs with the epoch of the hub's yes, and remembers the lease", () => {
    expect(decideRun(asked(answer()), undefined, NOW)).toEqual({
      decision: { run: true, epoch: 7, member: "job-a", confirmed: true, level: "info", message: "job-a is the active member" },
      memory: {
        group: "predictions",
        member: "job-a",
        role: "primary",
        unreachable: "primary-runs",
        epoch: 7,
        active: true,
        lastActiveEpoch: 7,
        leaseUntil: NOW + 30_000,
        answeredAt: NOW,
      },
    });
  });

  it("skips with 75 on the hub's no, keeping the last epoch this host was granted", () => {
    const no = answer({
      member: "job-b",
      role: "fallback",
      active: false,
      epoch: 9,
      leaseMs: null,
      retryAfterMs: 12_500,
      reason: "job-b is active since epoch 9, but a lease of an earlier epoch runs for 13 s more",
    });
    const r = decideRun(asked(no), memory({ member: "job-b", lastActiveEpoch: 4 }), NOW);
    expect(r.decision).toEqual({
      run: false,
      exitCode: 75,
      level: "info",
      message:
        "not the active member: job-b is active since epoch 9, but a lease of an earlier epoch runs for 13 s more (may be active in 13 s)",
    });
    expect(r.memory).toMatchObject({ active: false, epoch: 9, lastActiveEpoch: 4, leaseUntil: null });
  });

  it("skips with 78 when the hub refuses the question", () => {
    expect(
      decideRun(
        { kind: "refused", reason: "the hub at http://hub:9470 refused: 404 FAILOVER_GROUP_NOT_FOUND: no failover group" },
        memory(),
        NOW,
      ),
    ).toEqual({
      decision: {
        run: false,
        exitCode: 78,
        level: "error",
        message: "the hub at http://hub:9470 refused: 404 FAILOVER_GROUP_NOT_FOUND: no failover group",
      },
    });
  });

  it("hub unreachable: runs under a lease that has not run out, with its epoch", () => {
    expect(decideRun(unreachable, memory({ active: true, epoch: 7, leaseUntil: NOW + 20_000 }), NOW).decision).toEqual({
      run: true,
      epoch: 7,
      member: "job-a",
      confirmed: true,
      level: "warn",
      message: "the hub is unreachable (http://10.0.0.2:9470: ECONNREFUSED); running under its last lease (20 s left)",
    });
  });

  it("hub unreachable: the primary runs under primary-runs with the last epoch it was granted, never a newer one", () => {
    expect(decideRun(unreachable, memory(), NOW).decision).toEqual({
      run: true,
      epoch: 7,
      member: "job-a",
      confirmed: false,
      level: "warn",
      message:
        "the hub is unreachable (http://10.0.0.2:9470: ECONNREFUSED); running as the group's primary under its policy primary-runs, with epoch 7 (the last one granted to this host)",
    });
    expect(decideRun(unreachable, memory({ lastActiveEpoch: null }), NOW).decision).toMatchObject({ run: true, epoch: 0 });
  });

  it("hub unreachable: a fallback, a none-run group and a host never answered skip with 69", () => {
    expect(decideRun(unreachable, memory({ member: "job-b", role: "fallback" }), NOW).decision).toEqual({
      run: false,
      exitCode: 69,
      level: "warn",
      message: "the hub is unreachable (http://10.0.0.2:9470: ECONNREFUSED) and job-b is a fallback (policy primary-runs): not running",
    });
    expect(decideRun(unreachable, memory({ unreachable: "none-run" }), NOW).decision).toMatchObject({
      exitCode: 69,
      message: "the hub is unreachable (http://10.0.0.2:9470: ECONNREFUSED) and the group's policy is none-run: not running",
    });
    expect(decideRun(unreachable, memory({ active: true, leaseUntil: NOW, unreachable: "none-run" }), NOW).decision).toMatchObject({
      exitCode: 69,
    });
    expect(decideRun(unreachable, undefined, NOW).decision).toEqual({
      run: false,
      exitCode: 69,
      level: "warn",
      message:
        "the hub is unreachable (http://10.0.0.2:9470: ECONNREFUSED) and has never answered this host for this group, so it cannot tell whether it is the primary: not running",
    });
  });
});
