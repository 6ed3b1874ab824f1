/**
 * The soak's result: what it measured, the verdict (every reason the run failed) and the table it prints.
 */
import type { ChannelAccount, SampleAccount } from "./accounting.ts";
import type { ActionAccount } from "./real-agent.ts";

export interface BadRequests {
  sent: number;
  refused: number;
  busy: number;
  serverErrors: number;
  accepted: number;
  interrupted: number;
  unreachable: number;
  byKind: Record<string, Record<string, number>>;
}

export interface SoakResult {
  command: string;
  agents: number;
  minutes: number;
  intervalMs: number;
  workers: number;
  wallMs: number;
  samples: SampleAccount;
  channels: Record<string, ChannelAccount>;
  badRequests: BadRequests;
  crashes: { hub: number; agents: number; other: number; details: string[] };
  failover: { expected: number; happened: number; timesMs: Array<number | null> };
  hub: { kills: number; peakRssMb: number; cpuAvgPercent: number; cpuPeakPercent: number };
  agentKills: number;
  actions: ActionAccount;
  ingestLatencyMs: { n: number; p50: number; p99: number };
}

/** Every reason the run fails; empty when nothing was lost, duplicated, crashed or went wrong. */
export function verdict(r: SoakResult): string[] {
  const out: string[] = [];
  const s = r.samples;
  if (s.samplesLost > 0) out.push(`${s.samplesLost} samples lost (${s.samplesLostAfterAck} of them acknowledged by the hub)`);
  if (s.samplesDuplicated > 0) out.push(`${s.samplesDuplicated} samples duplicated`);
  if (s.batchesUnacked > 0) out.push(`${s.batchesUnacked} batches never acknowledged by the end of the drain`);
  if (s.batchesSent === 0) out.push("no batch was sent");
  for (const [name, c] of Object.entries(r.channels)) {
    if (c.lost > 0) out.push(`${name}: ${c.lost} of ${c.expected} alert transitions not delivered`);
    if (c.duplicated > 0) out.push(`${name}: ${c.duplicated} alert transitions delivered twice`);
    if (c.unexpected > 0) out.push(`${name}: ${c.unexpected} unexpected alert transitions`);
  }
  const b = r.badRequests;
  if (b.serverErrors > 0) out.push(`${b.serverErrors} bad requests answered with a 5xx other than 503`);
  if (b.accepted > 0) out.push(`${b.accepted} bad requests accepted`);
  if (b.sent === 0) out.push("no bad request was sent");
  if (r.crashes.hub + r.crashes.agents + r.crashes.other > 0) out.push(`crashes: ${r.crashes.details.join("; ")}`);
  if (r.failover.happened !== r.failover.expected) {
    out.push(`failover: ${r.failover.happened} switches seen, ${r.failover.expected} expected`);
  }
  const a = r.actions;
  if (a.succeeded !== a.requested) out.push(`actions: ${a.succeeded} of ${a.requested} requested actions succeeded`);
  if (a.replaysSent !== a.requested) out.push(`actions: ${a.replaysSent} replays sent, ${a.requested} planned`);
  if (a.replaysRefusedByAgent !== a.replaysSent)
    out.push(`actions: ${a.replaysRefusedByAgent} of ${a.replaysSent} replays refused by the agent`);
  if (a.replaysInHubLog !== a.replaysSent) out.push(`actions: ${a.replaysInHubLog} of ${a.replaysSent} replay refusals in the hub's log`);
  if (a.extraExecutions !== 0) out.push(`actions: ${a.extraExecutions} executions beyond the requests (a replay ran)`);
  if (r.failover.timesMs.some((t) => t === null)) out.push("failover: a planned switch was never served by the proxy");
  return out;
}

function row(cells: ReadonlyArray<string | number>): string {
  return `| ${cells.map(String).join(" | ")} |`;
}

const fmt = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 10) / 10) : "n/a");

/** The table printed at the end (Markdown, so it can be pasted into docs/benchmarks.md as is). */
export function renderTable(r: SoakResult): string {
  const s = r.samples;
  const b = r.badRequests;
  const longest = r.failover.timesMs.reduce<number>((m, t) => (t !== null && t > m ? t : m), 0);
  const lines = [
    `soak: ${r.agents} agents in ${r.workers} worker processes, ${r.minutes} min, a batch every ${r.intervalMs / 1000} s; wall time ${fmt(r.wallMs / 1000)} s`,
    "",
    row(["samples", "sent", "stored", "duplicated", "lost", "(lost after ack)", "batches sent", "unacked", "duplicate acks"]),
    row(["---", "---", "---", "---", "---", "---", "---", "---", "---"]),
    row([
      "",
      s.samplesSent,
      s.samplesStored,
      s.samplesDuplicated,
      s.samplesLost,
      s.samplesLostAfterAck,
      s.batchesSent,
      s.batchesUnacked,
      s.duplicateAcks,
    ]),
    "",
    row(["alerts (channel)", "expected", "delivered", "duplicated", "lost", "unexpected", "redelivered (same id)"]),
    row(["---", "---", "---", "---", "---", "---", "---"]),
    ...Object.entries(r.channels).map(([name, c]) =>
      row([name, c.expected, c.delivered, c.duplicated, c.lost, c.unexpected, c.redelivered]),
    ),
    "",
    row(["bad requests", "sent", "refused (4xx)", "503 busy", "5xx", "accepted", "cut by a hub kill", "crashes (hub/agents)"]),
    row(["---", "---", "---", "---", "---", "---", "---", "---"]),
    row(["", b.sent, b.refused, b.busy, b.serverErrors, b.accepted, b.interrupted, `${r.crashes.hub}/${r.crashes.agents}`]),
    "",
    row([
      "replayed action requests",
      "actions run",
      "succeeded",
      "replays sent",
      "refused by the agent",
      "in the hub's log",
      "replays executed",
    ]),
    row(["---", "---", "---", "---", "---", "---", "---"]),
    row([
      "",
      r.actions.requested,
      r.actions.succeeded,
      r.actions.replaysSent,
      r.actions.replaysRefusedByAgent,
      r.actions.replaysInHubLog,
      r.actions.extraExecutions,
    ]),
    "",
    row(["faults", "hub kill -9", "agent processes kill -9", "failover switches expected", "happened", "longest switch (ms)"]),
    row(["---", "---", "---", "---", "---", "---"]),
    row(["", r.hub.kills, r.agentKills, r.failover.expected, r.failover.happened, longest || "n/a"]),
    "",
    row(["hub", "peak RSS (MB)", "CPU avg (% of a core)", "CPU peak 1 s (%)", "ingest p50 (ms)", "ingest p99 (ms)", "pushes measured"]),
    row(["---", "---", "---", "---", "---", "---", "---"]),
    row([
      "",
      fmt(r.hub.peakRssMb),
      fmt(r.hub.cpuAvgPercent),
      fmt(r.hub.cpuPeakPercent),
      fmt(r.ingestLatencyMs.p50),
      fmt(r.ingestLatencyMs.p99),
      r.ingestLatencyMs.n,
    ]),
  ];
  return lines.join("\n");
}
