import type { Logger } from "../../../shared/log/logger.ts";
import { annotateSpan, failSpan, withSpan } from "../../../shared/telemetry/tracer.ts";
import type { Channel } from "../channel.ts";
import { type OutboxRow, type OutboxStore, toNotification } from "../outbox/outbox-store.ts";
import { attemptSend } from "./attempt.ts";
import { type NextStep, nextStep, type RetryPolicy } from "./retry-policy.ts";

export interface DispatcherOptions {
  outbox: OutboxStore;
  channels: ReadonlyMap<string, Channel>;
  policy: RetryPolicy;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Told of every recorded attempt (tests, metrics). */
  onAttempt?: (row: OutboxRow, step: NextStep) => void;
}

/** Even with nothing due, look again this often, so a clock step cannot stall delivery. */
const MAX_SLEEP_MS = 60_000;

/**
 * Delivers the outbox. Each pass sends every due message, one at a time per channel (a receiver
 * that is down is not hammered in parallel, and Slack's one-message-per-second limit is
 * respected by its 429s), and sleeps until the next row falls due; `wake()` starts a pass at once
 * after a submit. The outcome of each attempt is written back before the next: delivered, dead,
 * or pending with its next attempt time, so a restart picks up exactly where the hub stopped.
 * Failures are logged when the reason changes, not on every retry.
 */
export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #lastError = new Map<string, string>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #started = false;

  constructor(o: DispatcherOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    this.#started = true;
    this.wake();
  }

  /** Looks for due messages now (after the current event-loop turn, so one submit's rows go together). */
  wake(): void {
    if (!this.#started || this.#stop.signal.aborted || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pass();
    });
  }

  /** Stops: no new attempts; those under way are aborted and stay pending (they are not counted). */
  async stop(): Promise<void> {
    this.#stop.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all(this.#inFlight.values());
  }

  #pass(): void {
    if (this.#stop.signal.aborted) return;
    const now = this.#now();
    let rows: OutboxRow[];
    try {
      rows = this.#o.outbox.dueHeads(now);
    } catch (err) {
      this.#o.logger.error("cannot read the notification outbox", { err });
      this.#sleep(MAX_SLEEP_MS);
      return;
    }
    for (const row of rows) {
      if (this.#inFlight.has(row.channel)) continue;
      const delivery = this.#tracedDeliver(row)
        .catch((err: unknown) =>
          this.#o.logger.error("notification delivery failed unexpectedly", { id: row.id, channel: row.channel, err }),
        )
        .finally(() => {
          this.#inFlight.delete(row.channel);
          this.wake();
        });
      this.#inFlight.set(row.channel, delivery);
    }
    // Rows due now behind a busy channel are picked up when its delivery ends (the wake above);
    // the timer is for the first row that falls due later.
    const next = this.#o.outbox.nextDueAfter(now);
    this.#sleep(next === undefined ? MAX_SLEEP_MS : next - this.#now());
  }

  #sleep(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.wake(), Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
    this.#timer.unref();
  }

  /** Each attempt is a trace of its own: it may come long after (or a restart after) the alert that queued it. */
  #tracedDeliver(row: OutboxRow): Promise<void> {
    const attributes = {
      "vigil.notify.channel": row.channel,
      "vigil.notify.route": row.route,
      "vigil.notify.outbox_id": row.id,
      "vigil.notify.alerts": row.alertCount,
      "vigil.notify.attempt": row.attempts + 1,
    };
    return withSpan("deliver notification", attributes, () => this.#deliver(row), { root: true });
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const { outbox, logger, policy } = this.#o;
    const channel = this.#o.channels.get(row.channel);
    if (!channel) {
      outbox.markDead(row.id, row.attempts, `channel "${row.channel}" is not configured (any more)`, this.#now());
      logger.error("notification dead-lettered: its channel is not configured", { id: row.id, channel: row.channel });
      return;
    }
    const result = await attemptSend(channel, toNotification(row), this.#o.timeoutMs, this.#stop.signal);
    // Cut short by the hub stopping: not the receiver's fault, so not an attempt; it stays due.
    if (this.#stop.signal.aborted && result.kind !== "success") return;
    const now = this.#now();
    const attempts = row.attempts + 1;
    const step = nextStep(result, attempts, policy, now, this.#o.random);
    annotateSpan({ "vigil.notify.outcome": step.kind });
    if (result.kind !== "success") failSpan(result.kind, result.reason);
    try {
      if (step.kind === "delivered") outbox.markDelivered(row.id, attempts, now);
      else if (step.kind === "dead") outbox.markDead(row.id, attempts, step.reason, now);
      else outbox.markRetry(row.id, attempts, step.atMs, step.reason, now);
    } catch (err) {
      logger.error("cannot record a notification attempt; it will be sent again", { id: row.id, channel: row.channel, err });
      return;
    }
    this.#o.onAttempt?.(row, step);
    this.#report(row, attempts, step);
  }

  #report(row: OutboxRow, attempts: number, step: NextStep): void {
    const { logger } = this.#o;
    const fields = { id: row.id, channel: row.channel, alerts: row.alertCount, attempts };
    if (step.kind === "delivered") {
      if (this.#lastError.delete(row.channel)) logger.info("notification delivery recovered", fields);
      else logger.debug("notification delivered", fields);
      return;
    }
    if (step.kind === "dead") {
      this.#lastError.delete(row.channel);
      logger.error("notification dead-lettered; see vigil notifications", { ...fields, reason: step.reason });
      return;
    }
    if (this.#lastError.get(row.channel) === step.reason) return;
    this.#lastError.set(row.channel, step.reason);
    logger.warn("notification delivery failed; it will be retried", { ...fields, reason: step.reason, retryInMs: step.delayMs });
  }
}
