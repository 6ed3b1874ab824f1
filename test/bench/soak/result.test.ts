import { describe, expect, it } from "vitest";
import { parseProcUsage } from "../../../bench/soak/proc-usage.ts";
import { accountActions } from "../../../bench/soak/real-agent.ts";
import { renderTable, verdict, type SoakResult } from "../../../bench/soak/result.ts";
import { switchTimes } from "../../../bench/soak/failover-probe.ts";

function passing(): SoakResult {
  const channel = { expected: 8, delivered: 8, duplicated: 0, redelivered: 0, unexpected: 0, lost: 0 };
  return {
    command: "npm run soak -- --agents 20 --minutes 2",
    agents: 20,
    minutes: 2,
    intervalMs: 10_000,
    workers: 4,
    wallMs: 170_400,
    samples: {
      batchesSent: 260,
      samplesSent: 26_000,
      samplesStored: 26_000,
      samplesDuplicated: 0,
      samplesLost: 0,
      samplesLostAfterAck: 0,
      batchesUnacked: 0,
      duplicateAcks: 2,
    },
    channels: { slack: { ...channel }, email: { ...channel }, webhook: { ...channel } },
    badRequests: { sent: 500, refused: 480, busy: 0, serverErrors: 0, accepted: 0, interrupted: 3, unreachable: 17, byKind: {} },
    crashes: { hub: 0, agents: 0, other: 0, details: [] },
    failover: { expected: 2, happened: 2, timesMs: [2524, 5612] },
    hub: { kills: 2, peakRssMb: 190.1, cpuAvgPercent: 11.54, cpuPeakPercent: 34 },
    agentKills: 3,
    actions: { requested: 3, succeeded: 3, replaysSent: 3, replaysRefusedByAgent: 3, replaysInHubLog: 3, extraExecutions: 0 },
    ingestLatencyMs: { n: 260, p50: 7.84, p99: 119.4 },
  };
}

describe("the soak's verdict and table", () => {
  it("passes a run where everything adds up", () => {
    expect(verdict(passing())).toEqual([]);
  });

  it("names every failure", () => {
    const r = passing();
    r.samples.samplesLost = 100;
    r.samples.samplesLostAfterAck = 100;
    r.samples.samplesDuplicated = 5;
    r.channels.email = { expected: 8, delivered: 7, duplicated: 1, redelivered: 0, unexpected: 0, lost: 1 };
    r.badRequests.serverErrors = 2;
    r.crashes = { hub: 1, agents: 0, other: 0, details: ["hub (pid 42) exited with code 1"] };
    r.failover = { expected: 2, happened: 1, timesMs: [2524, null] };
    r.actions.replaysRefusedByAgent = 2;
    r.actions.extraExecutions = 1;
    expect(verdict(r)).toEqual([
      "100 samples lost (100 of them acknowledged by the hub)",
      "5 samples duplicated",
      "email: 1 of 8 alert transitions not delivered",
      "email: 1 alert transitions delivered twice",
      "2 bad requests answered with a 5xx other than 503",
      "crashes: hub (pid 42) exited with code 1",
      "failover: 1 switches seen, 2 expected",
      "actions: 2 of 3 replays refused by the agent",
      "actions: 1 executions beyond the requests (a replay ran)",
      "failover: a planned switch was never served by the proxy",
    ]);
  });

  it("prints the counts in Markdown tables", () => {
    const t = renderTable(passing());
    expect(t).toContain("|  | 26000 | 26000 | 0 | 0 | 0 | 260 | 0 | 2 |");
    expect(t).toContain("| email | 8 | 8 | 0 | 0 | 0 | 0 |");
    expect(t).toContain("|  | 500 | 480 | 0 | 0 | 0 | 3 | 0/0 |");
    expect(t).toContain("|  | 2 | 3 | 2 | 2 | 5612 |");
    expect(t).toContain("|  | 190.1 | 11.5 | 34 | 7.8 | 119.4 | 260 |");
  });
});

describe("measurements", () => {
  it("reads RSS and CPU from /proc text, a command name with spaces and parentheses included", () => {
    const status = "Name:\tnode\nVmHWM:\t  201000 kB\nVmRSS:\t  194662 kB\n";
    const stat = "4242 (node (soak) x) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 0 0 20 0 11 0 8888 1300000000 48000";
    expect(parseProcUsage(status, stat)).toEqual({ rssKb: 194_662, cpuMs: 18_010 });
  });

  it("times each planned switch from the event to the first answer by the expected member", () => {
    const changes = [
      { atMs: 1_000, member: "ollama-gpu" },
      { atMs: 52_600, member: "ollama-cpu" },
      { atMs: 74_000, member: "ollama-gpu" },
    ];
    const events = [
      { atMs: 50_000, expect: "ollama-cpu" },
      { atMs: 66_000, expect: "ollama-gpu" },
    ];
    expect(switchTimes(changes, events)).toEqual({ switches: 2, timesMs: [2_600, 8_000] });
    expect(switchTimes(changes.slice(0, 2), events)).toEqual({ switches: 1, timesMs: [2_600, null] });
  });
});

describe("action accounting", () => {
  it("counts replays refused at both ends and any execution beyond the requests", () => {
    const audit = [
      { status: "succeeded", code: null },
      { status: "refused", code: "REQUEST_REPLAYED" },
      { status: "succeeded", code: null },
      { status: "succeeded", code: null },
      { status: "refused", code: "REQUEST_EXPIRED" },
    ];
    const hubLog = [{ status: "refused", refusal: { code: "REQUEST_REPLAYED" } }, { status: "succeeded" }, { status: "succeeded" }];
    expect(accountActions(3, ["succeeded", "succeeded", "error: fetch failed"], 2, audit, hubLog)).toEqual({
      requested: 3,
      succeeded: 2,
      replaysSent: 2,
      replaysRefusedByAgent: 1,
      replaysInHubLog: 1,
      extraExecutions: 1,
    });
  });
});
