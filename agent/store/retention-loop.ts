import type { Logger } from "../../shared/log/logger.ts";
import type { RetentionPolicy, SampleHistory } from "./history.ts";

export interface RetentionLoopOptions {
  history: SampleHistory;
  policy: RetentionPolicy;
  logger: Logger;
  /** Pause between steps when nothing more is due. */
  everyMs?: number;
  /** Pause between steps while a backlog is being worked off. */
  backlogEveryMs?: number;
  now?: () => number;
}

/**
 * Applies the history's retention in small steps on a timer: every minute normally, every second
 * while rows past the bounds remain, so a large backlog is worked off without one long stall.
 */
export class RetentionLoop {
  readonly #o: RetentionLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastError: string | undefined;

  constructor(opts: RetentionLoopOptions) {
    this.#o = opts;
  }

  start(delayMs = 5_000): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.start(this.runOnce()), delayMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** One step; returns the delay before the next. */
  runOnce(): number {
    const { history, policy, logger } = this.#o;
    try {
      const step = history.retentionStep(policy, (this.#o.now ?? Date.now)());
      this.#lastError = undefined;
      if (step.deletedBySize > 0) {
        logger.debug("history over its size bound: oldest samples deleted", { deleted: step.deletedBySize, bytes: step.measuredBytes });
      }
      return step.more ? (this.#o.backlogEveryMs ?? 1_000) : (this.#o.everyMs ?? 60_000);
    } catch (err) {
      const reason = (err as Error).message;
      if (reason !== this.#lastError) logger.error("history retention step failed; will retry", { err });
      this.#lastError = reason;
      return this.#o.everyMs ?? 60_000;
    }
  }
}
