import type { Logger } from "../../shared/log/logger.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { HubConfig } from "../config/types.ts";
import type { HubMetrics } from "../metrics/hub-metrics.ts";
import type { HostRegistry } from "../registry/host-registry.ts";
import { Puller } from "./puller.ts";
import { type StoredOutcome, scrapeAgent } from "./scrape-agent.ts";

export interface StartPullOptions {
  config: HubConfig["pull"];
  registry: HostRegistry;
  metrics: Pick<HubMetrics, "stored" | "scraped">;
  /** The store's ingest function, the path pushed batches take. */
  store: { ingest(batch: SampleBatch, now: number): StoredOutcome | Promise<StoredOutcome> };
  logger: Logger;
  version: string;
  /** Largest page accepted; the ingest limit for decompressed bodies by default. */
  maxBytes?: number;
}

/** Starts scraping pull.agents (nothing when none are configured); stop() waits for scrapes in flight. */
export function startPullMode(o: StartPullOptions): Puller {
  const puller = new Puller({
    targets: o.config.agents,
    concurrency: o.config.concurrency,
    timeoutMs: o.config.timeout,
    intervalMs: o.config.interval,
    logger: o.logger,
    observer: o.metrics,
    scrape: (target, signal) =>
      scrapeAgent(
        target,
        {
          registry: o.registry,
          storeBatch: async (batch, now) => {
            const outcome = await o.store.ingest(batch, now);
            o.metrics.stored("pull", outcome);
            return outcome;
          },
          intervalMs: o.config.interval,
          maxPages: o.config.maxPagesPerScrape,
          maxBytes: o.maxBytes ?? 64 * 1024 * 1024,
          userAgent: `vigil-hub/${o.version}`,
          now: Date.now,
        },
        signal,
      ),
  });
  puller.start();
  return puller;
}
