import type { Logger } from "../../shared/log/logger.ts";

/**
 * Runs `step` every `intervalMs`, measured from the start of one round to the start of the next, so
 * the time to detect a failure is failAfter x interval however long the checks take (a round that
 * overruns is followed at once, never overlapped). `stop` waits for a round under way.
 */
export class CheckLoop {
  readonly #intervalMs: number;
  readonly #step: () => Promise<void>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(intervalMs: number, step: () => Promise<void>, logger: Logger) {
    this.#intervalMs = intervalMs;
    this.#step = step;
    this.#logger = logger;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const started = performance.now();
      this.#running = this.#step()
        .catch((err: unknown) => this.#logger.error("failover check round failed", { err }))
        .finally(() => {
          this.#running = undefined;
          this.#schedule(Math.max(0, this.#intervalMs - (performance.now() - started)));
        });
    }, delayMs);
    this.#timer.unref();
  }
}
