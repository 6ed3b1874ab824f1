import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import type { SeriesSpec } from "../../shared/metrics/catalog.ts";
import type { OutboxStats } from "../store/outbox.ts";
import type { PushCounters } from "../transport/pusher.ts";
import type { MetricFamily } from "./exposition.ts";

export interface AgentState {
  agentId: string;
  version: string;
  mode: "push" | "pull";
  outbox: OutboxStats;
  outboxMaxBytes: number;
  /** Undefined in pull mode. */
  push: PushCounters | undefined;
  pullBatchesServed: number;
  now: number;
}

const S = AGENT_CATALOG.series;

/** The agent's own outbox, push and pull series, from live state (the collector series come with the samples). */
export function agentFamilies(a: AgentState): MetricFamily[] {
  const one = (spec: SeriesSpec, value: number | null | undefined): MetricFamily => ({
    name: spec.name,
    help: spec.help,
    type: spec.type,
    series: value === null || value === undefined ? [] : [{ labels: {}, value }],
  });
  const ageSeconds = (at: number | null | undefined) => (at === null || at === undefined ? undefined : Math.max(0, (a.now - at) / 1000));
  return [
    {
      name: S.agentInfo.name,
      help: S.agentInfo.help,
      type: "gauge",
      series: [{ labels: { agent_id: a.agentId, version: a.version, mode: a.mode }, value: 1 }],
    },
    one(S.outboxBatches, a.outbox.batches),
    one(S.outboxSamples, a.outbox.samples),
    one(S.outboxBytes, a.outbox.bytes),
    one(S.outboxMaxBytes, a.outboxMaxBytes),
    one(S.outboxOldestAgeSeconds, ageSeconds(a.outbox.oldestSealedAt)),
    one(S.outboxDroppedBatchesTotal, a.outbox.droppedBatchesTotal),
    one(S.outboxDroppedSamplesTotal, a.outbox.droppedSamplesTotal),
    one(S.outboxRejectedBatchesTotal, a.outbox.rejectedTotal),
    one(S.pushBatchesTotal, a.push?.batchesSent),
    one(S.pushDuplicateAcksTotal, a.push?.duplicatesAcknowledged),
    one(S.pushFailuresTotal, a.push?.failedAttempts),
    one(S.pushLastSuccessAgeSeconds, ageSeconds(a.push?.lastSuccessAt)),
    one(S.pullBatchesServedTotal, a.mode === "pull" ? a.pullBatchesServed : undefined),
  ];
}
