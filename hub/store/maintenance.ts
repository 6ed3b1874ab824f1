import type { Logger } from "../../shared/log/logger.ts";

/** Background work in steps: each call does one bounded chunk and says whether it did anything. */
export interface StepJob {
  readonly name: string;
  step(now: number): boolean;
}

export interface MaintenanceOptions {
  jobs: readonly StepJob[];
  logger: Logger;
  now?: () => number;
  /** How often to look for work when there was none. */
  idleMs?: number;
}

/**
 * Runs rollup and retention beside ingest on the one thread that owns the database. A step is a
 * few milliseconds (the jobs size their chunks for that), and the loop yields to the event loop
 * after every step, so a push waits at most one step for its commit, never for a whole backlog.
 * When a pass finds nothing to do it sleeps `idleMs`.
 */
export class StorageMaintenance {
  readonly #jobs: readonly StepJob[];
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #idleMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = true;
  #next = 0;
  #current = "";
  #lastError = "";

  constructor(o: MaintenanceOptions) {
    this.#jobs = o.jobs;
    this.#logger = o.logger;
    this.#now = o.now ?? Date.now;
    this.#idleMs = o.idleMs ?? 1000;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops after the step in progress (steps are synchronous, so none is ever cut in half). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Runs steps until no job has work (for tests, the benchmark and shutdown); returns the steps run. */
  runUntilIdle(now = this.#now(), maxSteps = 1_000_000): number {
    let steps = 0;
    while (steps < maxSteps && this.#stepOnce(now)) steps++;
    return steps;
  }

  /** Jobs take turns, so a rollup backlog does not hold retention back (or the reverse). */
  #stepOnce(now: number): boolean {
    for (let i = 0; i < this.#jobs.length; i++) {
      const job = this.#jobs[(this.#next + i) % this.#jobs.length] as StepJob;
      this.#current = job.name;
      if (job.step(now)) {
        this.#next = (this.#next + i + 1) % this.#jobs.length;
        return true;
      }
    }
    return false;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    // setTimeout(0), not setImmediate: timers (the ingest flush) get their turn between two steps.
    this.#timer = setTimeout(() => this.#tick(), delayMs);
    this.#timer.unref();
  }

  #tick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    let worked = false;
    try {
      worked = this.#stepOnce(this.#now());
      this.#lastError = "";
    } catch (err) {
      // Logged once per distinct error; the next pass retries (chunks are idempotent).
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#lastError) this.#logger.error("storage maintenance step failed; retrying", { job: this.#current, err });
      this.#lastError = message;
    } finally {
      this.#running = false;
    }
    this.#schedule(worked ? 0 : this.#idleMs);
  }
}
