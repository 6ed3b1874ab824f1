import { statSync } from "node:fs";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { HostSummary } from "../../shared/api/hosts.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { PullObserver, TargetState } from "../pull/puller.ts";

export interface HubMetricsOptions {
  db: Db;
  /** Every host with its status, read on each scrape of /metrics. */
  hosts: (now: number) => HostSummary[];
  /** Notifications waiting for delivery (issue 6's outbox); 0 until it exists. */
  notificationQueueDepth?: () => number;
  /** The pull scheduler's view of each agent it scrapes. */
  pullStates?: () => TargetState[];
  now?: () => number;
  /** Node.js process metrics (process_*, nodejs_*); tests that build many registries turn them off. */
  processMetrics?: boolean;
}

export type IngestSource = "push" | "pull";

/**
 * The hub's own metrics, kept with prom-client in a registry of their own: ingest (batches and
 * samples by source and result, HTTP outcomes, request latency), the database's size, hosts up and
 * down, the notification queue, pull scrapes, and the Node.js process.
 */
export class HubMetrics implements PullObserver {
  readonly registry = new Registry();
  readonly #batches;
  readonly #samples;
  readonly #requests;
  readonly #latency;
  readonly #scrapes;
  readonly #scrapeDuration;

  constructor(o: HubMetricsOptions) {
    const registers = [this.registry];
    const now = o.now ?? Date.now;
    this.#batches = new Counter({
      name: "vigil_hub_ingest_batches_total",
      help: "Sample batches received, by source (push, pull) and result (stored, duplicate).",
      labelNames: ["source", "result"] as const,
      registers,
    });
    this.#samples = new Counter({
      name: "vigil_hub_ingest_samples_total",
      help: "Samples stored, by source (push, pull); the hub's ingest rate is rate() of this.",
      labelNames: ["source"] as const,
      registers,
    });
    this.#requests = new Counter({
      name: "vigil_hub_ingest_requests_total",
      help: "POST /api/v1/ingest requests by HTTP status (401, 400, 413 are refusals).",
      labelNames: ["code"] as const,
      registers,
    });
    this.#latency = new Histogram({
      name: "vigil_hub_ingest_batch_duration_seconds",
      help: "Time from an ingest request's arrival to its answer (body read, validation, commit).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#scrapes = new Counter({
      name: "vigil_hub_pull_scrapes_total",
      help: "Scrapes of pull-mode agents by result (ok, timeout, unreachable, http_<status>, invalid, identity).",
      labelNames: ["result"] as const,
      registers,
    });
    this.#scrapeDuration = new Histogram({
      name: "vigil_hub_pull_scrape_duration_seconds",
      help: "Time one scrape of a pull-mode agent took, all its pages together.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: "vigil_hub_pull_up",
      help: "1 when the last scrape of the pull-mode agent succeeded, else 0.",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const s of o.pullStates?.() ?? []) this.set({ agent: s.id }, s.up ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_db_size_bytes",
      help: "Size of the hub's SQLite database: the main file's pages plus the write-ahead log.",
      registers,
      collect() {
        this.set(databaseBytes(o.db));
      },
    });
    new Gauge({
      name: "vigil_hub_hosts",
      help: "Hosts known to the hub, by status (up, down).",
      labelNames: ["status"] as const,
      registers,
      collect() {
        const hosts = o.hosts(now());
        this.set({ status: "up" }, hosts.filter((h) => h.status === "up").length);
        this.set({ status: "down" }, hosts.filter((h) => h.status === "down").length);
      },
    });
    new Gauge({
      name: "vigil_hub_host_up",
      help: "1 while the host is up (heartbeat within the configured missed intervals), 0 when down.",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const h of o.hosts(now())) this.set({ agent: h.id }, h.status === "up" ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_host_last_seen_timestamp_seconds",
      help: "When the hub last heard from the host (hub clock).",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const h of o.hosts(now())) this.set({ agent: h.id }, h.lastSeen / 1000);
      },
    });
    new Gauge({
      name: "vigil_hub_notification_queue_depth",
      help: "Notifications waiting in the delivery outbox.",
      registers,
      collect() {
        this.set(o.notificationQueueDepth?.() ?? 0);
      },
    });
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A batch went through the store's ingest path. */
  stored(source: IngestSource, outcome: { duplicate: boolean; storedSamples: number }): void {
    this.#batches.inc({ source, result: outcome.duplicate ? "duplicate" : "stored" });
    if (!outcome.duplicate) this.#samples.inc({ source }, outcome.storedSamples);
  }

  /** An ingest request was answered. */
  ingestRequest(status: number, seconds: number): void {
    this.#requests.inc({ code: String(status) });
    this.#latency.observe(seconds);
  }

  scraped(_agentId: string, outcome: { ok: boolean; kind: string; durationMs: number }): void {
    this.#scrapes.inc({ result: outcome.kind });
    this.#scrapeDuration.observe(outcome.durationMs / 1000);
  }

  /** The names of every family this registry writes, so federation never writes one twice. */
  familyNames(): Set<string> {
    return new Set(this.registry.getMetricsAsArray().map((m) => m.name));
  }
}

function databaseBytes(db: Db): number {
  const pages = db.pragma("page_count", { simple: true }) as number;
  const size = db.pragma("page_size", { simple: true }) as number;
  let wal = 0;
  try {
    if (!db.memory) wal = statSync(`${db.name}-wal`).size;
  } catch {
    // No WAL file at the moment (checkpointed and removed, or never created).
  }
  return pages * size + wal;
}
