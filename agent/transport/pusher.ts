import { type BackoffPolicy, retryDelayMs } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import type { AgentStore } from "../store/agent-store.ts";
import { type BatchSendResult, type HubTarget, sendBatch } from "./send-batch.ts";

export interface PusherOptions {
  store: AgentStore;
  host: HostIdentity;
  target: HubTarget;
  pushIntervalMs: number;
  backoff: BackoffPolicy;
  logger: Logger;
  /** Delay before the first push, so the first collection is in it. */
  firstPushDelayMs?: number;
  now?: () => number;
  send?: (target: HubTarget, batch: Parameters<typeof sendBatch>[1]) => Promise<BatchSendResult>;
}

export interface PushCounters {
  batchesSent: number;
  duplicatesAcknowledged: number;
  batchesRejected: number;
  failedAttempts: number;
  lastSuccessAt: number | null;
}

/**
 * Store-and-forward push: every interval, seal what was collected into the outbox, then drain the
 * outbox oldest first until it is empty or a send fails. A failure waits (backoff with jitter, or the
 * hub's Retry-After) and resumes with the same batch, so delivery is in order and, with the hub's
 * dedup by (agent, boot, sequence), exactly once.
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
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;
  #attempt = 0;
  #lastErrorReason: string | undefined;
  #busy: Promise<void> = Promise.resolve();

  constructor(opts: PusherOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#send = opts.send ?? sendBatch;
  }

  start(): void {
    this.#schedule(this.#o.firstPushDelayMs ?? Math.min(1000, this.#o.pushIntervalMs));
  }

  /** Stops the loop and waits for a send under way; what is not sent stays in the outbox. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#busy;
  }

  /** One seal-and-drain round. Returns the delay until the next one. */
  async tick(): Promise<number> {
    const { store, host, pushIntervalMs } = this.#o;
    store.sealBatch(host, pushIntervalMs, this.#now());
    for (;;) {
      if (this.#stopped) return pushIntervalMs;
      const batch = store.oldestBatch();
      if (!batch) break;
      const result = await this.#send(this.#o.target, batch);
      if (result.kind === "success") {
        store.acknowledge(batch.sequence);
        this.counters.batchesSent++;
        if (result.duplicate) this.counters.duplicatesAcknowledged++;
        this.counters.lastSuccessAt = this.#now();
        this.#recovered();
        continue;
      }
      if (result.kind === "failure" && result.reject) {
        store.reject(batch.sequence, result.reason);
        this.counters.batchesRejected++;
        this.#o.logger.error("hub refused a batch as invalid; it is kept in the outbox as rejected and not resent", {
          sequence: batch.sequence,
          reason: result.reason,
        });
        continue;
      }
      store.noteAttempt(batch.sequence);
      this.counters.failedAttempts++;
      const delay = retryDelayMs(result, this.#attempt, this.#o.backoff);
      this.#attempt++;
      this.#reportFailure(result.reason, delay);
      return delay;
    }
    return pushIntervalMs;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      if (this.#running) return;
      this.#running = true;
      this.#busy = this.tick()
        .catch((err: unknown) => {
          this.#o.logger.error("push round failed", { err });
          return this.#o.pushIntervalMs;
        })
        .then((next) => {
          this.#running = false;
          this.#schedule(next);
        });
    }, delayMs);
  }

  /** Logs a failure only when its reason changes, so an outage is one line, not one per retry. */
  #reportFailure(reason: string, retryInMs: number): void {
    if (reason === this.#lastErrorReason) return;
    this.#lastErrorReason = reason;
    const stats = this.#o.store.outboxStats();
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
