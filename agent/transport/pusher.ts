import { type BackoffPolicy, retryDelayMs } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { AgentStore, OutboxBatch } from "../store/agent-store.ts";
import type { BatchSealer } from "./sealer.ts";
import { type BatchSendResult, type HubTarget, sendBatch } from "./send-batch.ts";

/** Rounds started by nudges are at least this far apart, so a flapping state cannot turn push into a busy loop. */
export const MIN_NUDGE_GAP_MS = 10;

export interface PusherOptions {
  store: AgentStore;
  sealer: BatchSealer;
  target: HubTarget;
  pushIntervalMs: number;
  backoff: BackoffPolicy;
  /** At most this many backlog batches per second after an outage (`hub.drainRate`). */
  drainRatePerSecond: number;
  logger: Logger;
  /** Delay before the first push, so the first collection is in it. */
  firstPushDelayMs?: number;
  now?: () => number;
  send?: (target: HubTarget, batch: OutboxBatch) => Promise<BatchSendResult>;
  /** Told of every attempt with its wall time (the agent's self-metrics). */
  onAttempt?: (result: BatchSendResult, seconds: number) => void;
}

export interface PushCounters {
  batchesSent: number;
  duplicatesAcknowledged: number;
  batchesRejected: number;
  failedAttempts: number;
  lastSuccessAt: number | null;
}

/**
 * Store-and-forward push. Every interval: seal what was collected, send that fresh batch first, then
 * work off any backlog oldest first at no more than `drainRatePerSecond`, until the outbox is empty or
 * the next interval is due. Fresh data thus reaches the hub within one interval even while days of
 * backlog drain behind it; the hub stores by (agent, boot, sequence), so the order of arrival does not
 * matter for correctness, and its latest values only move forward in time. A failure waits (backoff
 * with jitter, or the hub's Retry-After) and resumes; with the hub's dedup, delivery is exactly once.
 */
export class Pusher {
  readonly counters: PushCounters = {
    batchesSent: 0,
    duplicatesAcknowledged: 0,
    batchesRejected: 0,
    failedAttempts: 0,
    lastSuccessAt: null,
  };
  readonly #o: PusherOptions;
  readonly #now: () => number;
  readonly #send: NonNullable<PusherOptions["send"]>;
  readonly #gapMs: number;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #running = false;
  #stopped = false;
  #attempt = 0;
  #lastErrorReason: string | undefined;
  #lastSendAt = Number.NEGATIVE_INFINITY;
  #busy: Promise<void> = Promise.resolve();
  /** The round now waiting was put off by a failure (backoff or Retry-After): a nudge must not cut it short. */
  #backingOff = false;
  #nudged = false;
  #roundStartedAt = Number.NEGATIVE_INFINITY;

  constructor(opts: PusherOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#send = opts.send ?? sendBatch;
    this.#gapMs = 1000 / opts.drainRatePerSecond;
  }

  start(): void {
    this.#schedule(this.#o.firstPushDelayMs ?? Math.min(1000, this.#o.pushIntervalMs));
  }

  /**
   * Pushes now instead of at the end of the interval: called when a collection saw a state change
   * (a unit failed, a pool degraded), so alerts and remediation do not wait up to a whole push
   * interval. Never cuts a backoff short, and never starts rounds closer than MIN_NUDGE_GAP_MS.
   */
  nudge(): void {
    if (this.#stopped || this.#backingOff) return;
    if (this.#running) {
      this.#nudged = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(Math.max(0, this.#roundStartedAt + MIN_NUDGE_GAP_MS - performance.now()));
  }

  /** Stops the loop, cutting a pause short, and waits for a send under way; what is not sent stays in the outbox. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#busy;
  }

  /** One round: seal, send fresh, drain the backlog. Returns the delay until the next round. */
  async tick(): Promise<number> {
    const { store, pushIntervalMs } = this.#o;
    const deadline = performance.now() + pushIntervalMs;
    const fresh = this.#o.sealer.seal();
    if (fresh !== null && store.outbox.oldest()?.sequence !== fresh) {
      const batch = store.outbox.get(fresh);
      const retryIn = batch ? await this.#deliver(batch) : undefined;
      if (retryIn !== undefined) return retryIn;
    }
    for (;;) {
      if (this.#stopped) return pushIntervalMs;
      const batch = store.outbox.oldest();
      if (!batch) break;
      await this.#sleep(this.#lastSendAt + this.#gapMs - performance.now());
      if (this.#stopped) return pushIntervalMs;
      if (performance.now() >= deadline) return 0; // the next round's fresh batch goes first
      const retryIn = await this.#deliver(batch);
      if (retryIn !== undefined) return retryIn;
    }
    return Math.max(0, Math.round(deadline - performance.now()));
  }

  /** Sends one batch and records the outcome; returns a retry delay when the round must pause. */
  async #deliver(batch: OutboxBatch): Promise<number | undefined> {
    const { store, logger } = this.#o;
    this.#lastSendAt = performance.now();
    const result = await this.#send(this.#o.target, batch);
    this.#o.onAttempt?.(result, (performance.now() - this.#lastSendAt) / 1000);
    this.#backingOff = result.kind === "retryable" || (result.kind === "failure" && !result.reject);
    if (result.kind === "success") {
      store.outbox.acknowledge(batch.sequence);
      this.counters.batchesSent++;
      if (result.duplicate) this.counters.duplicatesAcknowledged++;
      this.counters.lastSuccessAt = this.#now();
      this.#recovered();
      return undefined;
    }
    if (result.kind === "failure" && result.reject) {
      store.outbox.reject(batch.sequence, result.reason);
      this.counters.batchesRejected++;
      logger.error("hub refused a batch as invalid; it is kept in the outbox as rejected and not resent", {
        sequence: batch.sequence,
        reason: result.reason,
      });
      return undefined;
    }
    store.outbox.noteAttempt(batch.sequence);
    this.counters.failedAttempts++;
    const delay = retryDelayMs(result, this.#attempt, this.#o.backoff);
    this.#attempt++;
    this.#reportFailure(result.reason, delay);
    return delay;
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      if (this.#running) return;
      this.#running = true;
      this.#nudged = false;
      this.#roundStartedAt = performance.now();
      this.#busy = this.tick()
        .catch((err: unknown) => {
          this.#o.logger.error("push round failed", { err });
          return this.#o.pushIntervalMs;
        })
        .then((next) => {
          this.#running = false;
          // A change seen during the round goes out right after it (spaced by MIN_NUDGE_GAP_MS), unless backing off.
          const nudgedIn = Math.max(0, this.#roundStartedAt + MIN_NUDGE_GAP_MS - performance.now());
          this.#schedule(this.#nudged && !this.#backingOff ? Math.min(next, nudgedIn) : next);
          this.#nudged = false;
        });
    }, delayMs);
  }

  /** Logs a failure only when its reason changes, so an outage is one line, not one per retry. */
  #reportFailure(reason: string, retryInMs: number): void {
    if (reason === this.#lastErrorReason) return;
    this.#lastErrorReason = reason;
    const stats = this.#o.store.outbox.stats();
    this.#o.logger.warn("push to hub failed; batches stay in the outbox and will be retried", {
      reason,
      retryInMs,
      outboxBatches: stats.batches,
    });
  }

  #recovered(): void {
    if (this.#lastErrorReason !== undefined) {
      this.#o.logger.info("push to hub recovered", { afterAttempts: this.#attempt });
    }
    this.#lastErrorReason = undefined;
    this.#attempt = 0;
  }
}
