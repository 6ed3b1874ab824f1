import { collectDefaultMetrics, Registry } from "prom-client";
import type { HostSummary } from "../../shared/api/hosts.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { PullObserver, TargetState } from "../pull/puller.ts";
import { AlertingMetrics } from "./alerting-metrics.ts";
import { registerDatabaseMetrics } from "./database-metrics.ts";
import { FleetMetrics } from "./fleet-metrics.ts";
import { type IngestSource, IngestMetrics } from "./ingest-metrics.ts";
import { OperationsMetrics } from "./operations-metrics.ts";

export type { IngestSource } from "./ingest-metrics.ts";

export interface HubMetricsOptions {
  db: Db;
  /** Every host with its status, read on each scrape of /metrics. */
  hosts: (now: number) => HostSummary[];
  /** Notifications waiting for delivery (the notify outbox); 0 until one is given. */
  notificationQueueDepth?: () => number;
  /** The pull scheduler's view of each agent it scrapes. */
  pullStates?: () => TargetState[];
  now?: () => number;
  /** Node.js process metrics (process_*, nodejs_*); tests that build many registries turn them off. */
  processMetrics?: boolean;
}

/**
 * The hub's own metrics (docs/metrics.md), kept with prom-client in a registry of their own (the
 * global default registry stays empty): ingest and the group commit, hosts and pull scrapes, alert
 * rules and notifications, actions and failover, the database's size, and the Node.js process.
 * The parts are fed by the hub's components through `ingest`, `alerting` and `operations`; what is
 * state (hosts, alerts, groups, queues) is read at each scrape.
 */
export class HubMetrics implements PullObserver {
  readonly registry = new Registry();
  readonly ingest: IngestMetrics;
  readonly alerting: AlertingMetrics;
  readonly operations: OperationsMetrics;
  readonly #fleet: FleetMetrics;

  constructor(o: HubMetricsOptions) {
    this.ingest = new IngestMetrics(this.registry);
    this.#fleet = new FleetMetrics(this.registry, { hosts: o.hosts, pullStates: o.pullStates, now: o.now ?? Date.now });
    this.alerting = new AlertingMetrics(this.registry);
    if (o.notificationQueueDepth) this.alerting.watchQueue(o.notificationQueueDepth);
    this.operations = new OperationsMetrics(this.registry);
    registerDatabaseMetrics(this.registry, o.db);
    // Their event-loop lag monitor wakes the process every 10 ms (~1 % of a core when idle, docs/benchmarks.md): too
    // much for the agent, worth it on the hub, whose every request waits behind commits and rollups on one loop.
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A batch went through the store's ingest path. */
  stored(source: IngestSource, outcome: { duplicate: boolean; storedSamples: number }): void {
    this.ingest.stored(source, outcome);
  }

  /** An ingest request was answered. */
  ingestRequest(status: number, seconds: number): void {
    this.ingest.request(status, seconds);
  }

  scraped(_agentId: string, outcome: { ok: boolean; kind: string; durationMs: number }): void {
    this.#fleet.scraped(outcome);
  }

  /** The names of every family this registry writes, so federation never writes one twice. */
  familyNames(): Set<string> {
    return new Set(this.registry.getMetricsAsArray().map((m) => m.name));
  }
}
