import type { SendResult } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { HubConfig } from "../config/types.ts";
import type { Muter } from "./alert-sink.ts";
import type { Channel } from "./channel.ts";
import { buildChannels } from "./channels.ts";
import { attemptSend } from "./delivery/attempt.ts";
import { Dispatcher } from "./delivery/dispatcher.ts";
import type { NextStep, RetryPolicy } from "./delivery/retry-policy.ts";
import { sendWithRetry } from "./delivery/send-with-retry.ts";
import { hubBaseUrl } from "./links.ts";
import { Notifier } from "./notifier.ts";
import { DedupKeys } from "./outbox/dedup-keys.ts";
import { type OutboxRow, OutboxStore } from "./outbox/outbox-store.ts";
import { Router } from "./routing/router.ts";
import { testNotification } from "./test-message.ts";

const PRUNE_EVERY_MS = 3_600_000;

export interface NotifyServiceOptions {
  db: Db;
  config: Pick<HubConfig, "notify" | "publicUrl" | "listen">;
  /** The config file (or "(defaults)"), named in errors about channel settings found at startup. */
  configSource: string;
  logger: Logger;
  now?: () => number;
  muter?: Muter;
  random?: () => number;
  onAttempt?: (row: OutboxRow, step: NextStep) => void;
}

/** The outcome of a test message: delivered, or the last result with how many attempts it took. */
export interface TestSendOutcome {
  channel: Channel;
  result: SendResult;
  attempts: number;
  durationMs: number;
}

/**
 * Notification as one service: channels built from config, the notifier (the AlertSink the rules
 * and the Alertmanager intake submit to), the outbox and its dispatcher, and pruning of the
 * delivery log. `start()` begins delivering (including whatever a previous run left pending).
 */
export class NotifyService {
  readonly notifier: Notifier;
  readonly outbox: OutboxStore;
  readonly keys: DedupKeys;
  readonly dispatcher: Dispatcher;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly policy: RetryPolicy;
  readonly #o: NotifyServiceOptions;
  readonly #now: () => number;
  #prune: NodeJS.Timeout | undefined;

  constructor(o: NotifyServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    const { notify } = o.config;
    const render = { hubUrl: hubBaseUrl(o.config.publicUrl, o.config.listen) };
    this.channels = buildChannels(notify.channels, { render, timeoutMs: notify.timeout, configSource: o.configSource });
    this.policy = { maxAttempts: notify.retry.maxAttempts, initialMs: notify.retry.initialBackoff, maxMs: notify.retry.maxBackoff };
    this.outbox = new OutboxStore(o.db);
    this.dispatcher = new Dispatcher({
      outbox: this.outbox,
      channels: this.channels,
      policy: this.policy,
      timeoutMs: notify.timeout,
      logger: o.logger,
      now: this.#now,
      ...(o.random ? { random: o.random } : {}),
      ...(o.onAttempt ? { onAttempt: o.onAttempt } : {}),
    });
    this.notifier = new Notifier({
      outbox: this.outbox,
      router: new Router(notify.routes, [...this.channels.keys()]),
      channels: this.channels,
      groupWaitMs: notify.groupWait,
      muter: o.muter,
      logger: o.logger,
      now: this.#now,
      onEnqueued: () => this.dispatcher.wake(),
    });
    this.keys = this.notifier.keys;
  }

  /** Messages waiting for delivery, for the hub's /metrics. */
  queueDepth(): number {
    return this.outbox.queueDepth();
  }

  start(): void {
    this.dispatcher.start();
    this.#prune = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.#prune.unref();
  }

  async stop(): Promise<void> {
    if (this.#prune) clearInterval(this.#prune);
    await this.dispatcher.stop();
    await Promise.all([...this.channels.values()].map((c) => c.close()));
  }

  /** Removes finished messages and quiet dedup keys older than notify.retention. */
  prune(): void {
    const before = this.#now() - this.#o.config.notify.retention;
    try {
      const messages = this.outbox.prune(before);
      const keys = this.keys.prune(before);
      if (messages + keys > 0) this.#o.logger.debug("pruned the notification log", { messages, keys });
    } catch (err) {
      this.#o.logger.error("cannot prune the notification log", { err });
    }
  }

  /** Sends a test message straight to a channel (not through the outbox), retrying until `deadlineMs`. */
  async sendTest(channel: Channel, deadlineMs: number): Promise<TestSendOutcome> {
    const started = performance.now();
    const never = new AbortController().signal;
    const attemptTimeout = () => Math.max(100, Math.min(this.#o.config.notify.timeout, deadlineMs - this.#now()));
    const { result, attempts } = await sendWithRetry(
      () => attemptSend(channel, testNotification(channel.name, this.#now()), attemptTimeout(), never),
      { policy: this.policy, deadlineMs, now: this.#now, ...(this.#o.random ? { random: this.#o.random } : {}) },
    );
    return { channel, result, attempts, durationMs: Math.round(performance.now() - started) };
  }
}
