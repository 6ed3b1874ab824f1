import type { Logger } from "../../shared/log/logger.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import type { AgentStore } from "../store/agent-store.ts";
import { OutboxDropLog } from "../store/outbox-drop-log.ts";

export interface SealerOptions {
  store: AgentStore;
  host: HostIdentity;
  pushIntervalMs: number;
  outboxMaxBytes: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Seals what was collected into the next outbox batch, keeping the outbox within its bound and
 * reporting what that drops. The pusher calls it every round; in pull mode a timer does (SealLoop),
 * and the samples endpoint before it answers.
 */
export class BatchSealer {
  readonly #o: SealerOptions;
  readonly #drops: OutboxDropLog;

  constructor(opts: SealerOptions) {
    this.#o = opts;
    this.#drops = new OutboxDropLog(opts.logger, opts.outboxMaxBytes);
  }

  /** Returns the sequence sealed, or null when there was nothing to seal. */
  seal(opts: { heartbeat?: boolean } = {}): number | null {
    const { store, host, pushIntervalMs, outboxMaxBytes } = this.#o;
    const result = store.sealBatch(host, pushIntervalMs, (this.#o.now ?? Date.now)(), {
      maxBytes: outboxMaxBytes,
      heartbeat: opts.heartbeat ?? true,
    });
    if (result.sequence !== null) this.#drops.note(result.dropped);
    return result.sequence;
  }

  /** Seals what is left and closes a drop episode under way (at shutdown). */
  finish(): void {
    this.seal({ heartbeat: false });
    this.#drops.end();
  }
}

/** Pull mode: seals every interval; the hub fetches the batches with GET /api/v1/samples. */
export class SealLoop {
  readonly #sealer: BatchSealer;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(sealer: BatchSealer, intervalMs: number, logger: Logger) {
    this.#sealer = sealer;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  start(): void {
    this.#timer = setInterval(() => {
      try {
        this.#sealer.seal();
      } catch (err) {
        this.#logger.error("sealing a batch failed; the observations stay pending", { err });
      }
    }, this.#intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
