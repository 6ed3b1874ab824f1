import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import type { SeriesSpec } from "../../shared/metrics/catalog.ts";
import { databaseBytes } from "../../shared/sqlite/database-bytes.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { OutboxStats } from "../store/outbox.ts";
import type { PushCounters } from "../transport/pusher.ts";
import { Counter, Gauge, type Registry, setOrAbsent, setTotal } from "./prom-client-lib.ts";

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

/**
 * The agent's self-metrics read at each scrape: its identity, the outbox (from the store; the drop
 * and reject counts are kept in the database, so they survive restarts), the pusher's counters,
 * batches served to a pulling hub, and the size of the agent's database. Names and HELP of the
 * existing series come from the shared catalog (shared/metrics/agent.ts). `state` is read once per
 * scrape, by the first metric registered here.
 */
export function registerStateMetrics(registry: Registry, state: () => AgentState, db: Db): void {
  const registers = [registry];
  let current: AgentState | undefined;
  const gauge = (spec: SeriesSpec, value: (a: AgentState) => number | null | undefined) =>
    new Gauge({
      name: spec.name,
      help: spec.help,
      registers,
      collect() {
        setOrAbsent(this, current && value(current));
      },
    });
  const counter = (spec: SeriesSpec, value: (a: AgentState) => number | undefined) =>
    new Counter({
      name: spec.name,
      help: spec.help,
      registers,
      collect() {
        const v = current && value(current);
        if (v === undefined) this.remove();
        else setTotal(this, v);
      },
    });
  const ageSeconds = (a: AgentState, at: number | null | undefined) =>
    at === null || at === undefined ? undefined : Math.max(0, (a.now - at) / 1000);

  new Gauge({
    name: S.agentInfo.name,
    help: S.agentInfo.help,
    labelNames: ["agent_id", "version", "mode"] as const,
    registers,
    collect() {
      current = state();
      this.reset();
      this.set({ agent_id: current.agentId, version: current.version, mode: current.mode }, 1);
    },
  });
  gauge(S.outboxBatches, (a) => a.outbox.batches);
  gauge(S.outboxSamples, (a) => a.outbox.samples);
  gauge(S.outboxBytes, (a) => a.outbox.bytes);
  gauge(S.outboxMaxBytes, (a) => a.outboxMaxBytes);
  gauge(S.outboxOldestAgeSeconds, (a) => ageSeconds(a, a.outbox.oldestSealedAt));
  counter(S.outboxDroppedBatchesTotal, (a) => a.outbox.droppedBatchesTotal);
  counter(S.outboxDroppedSamplesTotal, (a) => a.outbox.droppedSamplesTotal);
  counter(S.outboxRejectedBatchesTotal, (a) => a.outbox.rejectedTotal);
  counter(S.pushBatchesTotal, (a) => a.push?.batchesSent);
  counter(S.pushDuplicateAcksTotal, (a) => a.push?.duplicatesAcknowledged);
  counter(S.pushFailuresTotal, (a) => a.push?.failedAttempts);
  gauge(S.pushLastSuccessAgeSeconds, (a) => ageSeconds(a, a.push?.lastSuccessAt));
  counter(S.pullBatchesServedTotal, (a) => a.pullBatchesServed);

  new Gauge({
    name: "vigil_store_size_bytes",
    help: "Size of the agent's SQLite database (agent.sqlite): the main file's pages plus the write-ahead log.",
    registers,
    collect() {
      const { main, wal } = databaseBytes(db);
      this.set(main + wal);
    },
  });
  new Gauge({
    name: "vigil_store_wal_size_bytes",
    help: "Size of the write-ahead log of the agent's database (agent.sqlite-wal); 0 when there is none.",
    registers,
    collect() {
      this.set(databaseBytes(db).wal);
    },
  });
}
