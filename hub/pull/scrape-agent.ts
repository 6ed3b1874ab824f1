import type { Secret } from "../../shared/config/secret.ts";
import { MAX_PULL_BATCHES } from "../../shared/protocol/pull.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import { fetchSamplePage, PullError } from "./fetch-page.ts";

/** One agent the hub scrapes (pull.agents[]). */
export interface PullTarget {
  id: string;
  url: string;
  token: Secret;
}

/** What storing one batch reports; the same outcome push ingest gets. */
export interface StoredOutcome {
  duplicate: boolean;
  storedSamples: number;
}

/** The store's ingest path, the one pushed batches take (idempotent by agent, boot and sequence). */
export type StoreBatch = (batch: SampleBatch, receivedAt: number) => Promise<StoredOutcome> | StoredOutcome;

export interface ScrapeDeps {
  /** Where the last stored sequence comes from, and where a scrape's heartbeat goes. */
  registry: {
    lastSequence(id: string): number;
    recordHeartbeat(identity: HostIdentity, intervalMs: number, now: number): void;
  };
  storeBatch: StoreBatch;
  /** pull.interval: the heartbeat interval of a host first seen through a scrape with nothing sealed. */
  intervalMs: number;
  maxPages: number;
  /** Largest page body, compressed and after gunzip. */
  maxBytes: number;
  userAgent: string;
  now: () => number;
}

export interface ScrapeResult {
  pages: number;
  /** Batches received, stored ones and duplicates. */
  batches: number;
  storedBatches: number;
  storedSamples: number;
  /** The agent had more than maxPages pages: the rest comes with the next scrape. */
  more: boolean;
  /** The highest sequence now stored, acknowledged to the agent by the next request. */
  lastSequence: number;
}

/**
 * Scrapes one agent: asks for the batches after the last sequence stored for it, stores each
 * through the ingest path in order, and asks again while the agent says there is more (at most
 * `maxPages` pages, so one agent with a large backlog cannot hold a scrape slot for long). Each
 * request's `after` acknowledges what the previous ones brought. A batch is never skipped: a failure
 * stops the scrape, and the next one resumes after the last batch stored.
 */
export async function scrapeAgent(target: PullTarget, deps: ScrapeDeps, signal: AbortSignal): Promise<ScrapeResult> {
  let after = deps.registry.lastSequence(target.id);
  const result: ScrapeResult = { pages: 0, batches: 0, storedBatches: 0, storedSamples: 0, more: false, lastSequence: after };
  while (result.pages < deps.maxPages) {
    const page = await fetchSamplePage({
      url: target.url,
      token: target.token.reveal(),
      after,
      limit: MAX_PULL_BATCHES,
      signal,
      maxBytes: deps.maxBytes,
      userAgent: deps.userAgent,
    });
    result.pages++;
    checkIdentity(target, page.host.agentId);
    for (const batch of page.batches) {
      checkIdentity(target, batch.host.agentId);
      if (signal.aborted) throw new PullError("timeout", "the scrape timed out between two batches (pull.timeout)");
      const outcome = await deps.storeBatch(batch, deps.now());
      result.batches++;
      if (!outcome.duplicate) {
        result.storedBatches++;
        result.storedSamples += outcome.storedSamples;
      }
      after = Math.max(after, batch.sequence);
    }
    result.lastSequence = after;
    deps.registry.recordHeartbeat(page.host, deps.intervalMs, deps.now());
    // An agent claiming more while returning nothing would keep this loop asking the same question.
    result.more = page.more && page.batches.length > 0;
    if (!result.more) break;
  }
  return result;
}

function checkIdentity(target: PullTarget, agentId: string): void {
  if (agentId !== target.id) {
    throw new PullError("identity", `the agent at this URL says it is "${agentId}", but pull.agents lists it as "${target.id}"`);
  }
}
