import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { CommitStats } from "../ingest/group-commit.ts";

export type IngestSource = "push" | "pull";

/** The hub's ingest: batches and samples by source and result, requests by status, latency, and the group commit. */
export class IngestMetrics {
  readonly #batches;
  readonly #samples;
  readonly #requests;
  readonly #latency;
  readonly #commitBatches;
  readonly #commitSamples;
  readonly #commitSeconds;
  #queued: (() => number) | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
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
      help: "POST /api/v1/ingest requests by HTTP status (401, 400, 413 are refusals; 503 is INGEST_BUSY).",
      labelNames: ["code"] as const,
      registers,
    });
    this.#latency = new Histogram({
      name: "vigil_hub_ingest_batch_duration_seconds",
      help: "Time from an ingest request's arrival to its answer (body read, validation, commit).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#commitBatches = new Histogram({
      name: "vigil_hub_ingest_commit_batches",
      help: "Batches written by one group commit (one transaction).",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.#commitSamples = new Histogram({
      name: "vigil_hub_ingest_commit_samples",
      help: "Samples and states written by one group commit; a commit takes up to 4,000 unless one batch is larger.",
      buckets: [10, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000],
      registers,
    });
    this.#commitSeconds = new Histogram({
      name: "vigil_hub_ingest_commit_duration_seconds",
      help: "Wall time of one group commit's transaction (the event loop is held meanwhile).",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    const queued = () => this.#queued;
    new Gauge({
      name: "vigil_hub_ingest_queued_samples",
      help: "Samples of validated batches waiting for their commit; beyond storage.maxQueuedSamples pushes are answered 503.",
      registers,
      collect() {
        const read = queued();
        if (read) this.set(read());
        else this.remove();
      },
    });
  }

  /** A batch went through the store's ingest path. */
  stored(source: IngestSource, outcome: { duplicate: boolean; storedSamples: number }): void {
    this.#batches.inc({ source, result: outcome.duplicate ? "duplicate" : "stored" });
    if (!outcome.duplicate) this.#samples.inc({ source }, outcome.storedSamples);
  }

  /** An ingest request was answered. */
  request(status: number, seconds: number): void {
    this.#requests.inc({ code: String(status) });
    this.#latency.observe(seconds);
  }

  /** One group commit's transaction (GroupCommit's onCommit). */
  committed(stats: CommitStats): void {
    this.#commitBatches.observe(stats.batches);
    this.#commitSamples.observe(stats.samples);
    this.#commitSeconds.observe(stats.ms / 1000);
  }

  /** Where the queued samples are read at each scrape (the ingest route's GroupCommit). */
  watchQueue(samples: () => number): void {
    this.#queued = samples;
  }
}
