import type { Logger } from "../log/logger.ts";

/**
 * Logs a problem the first time it happens, then at most once per `everyMs` for as long as it goes on,
 * with how often it happened meanwhile. An unreachable collector fails every export (one per batch
 * delay, from every program): the log says so once, not once per batch.
 */
export class ThrottledLog {
  readonly #logger: Logger;
  readonly #everyMs: number;
  readonly #now: () => number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(logger: Logger, everyMs: number, now: () => number = Date.now) {
    this.#logger = logger;
    this.#everyMs = everyMs;
    this.#now = now;
  }

  /** Logs `msg` under `key` unless that key was logged less than `everyMs` ago. Returns whether it logged. */
  warn(key: string, msg: string, fields: () => Record<string, unknown>): boolean {
    const now = this.#now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last.at < this.#everyMs) {
      last.suppressed++;
      return false;
    }
    const again = last === undefined ? {} : { occurrencesSinceLastLine: last.suppressed + 1 };
    this.#logger.warn(msg, { ...fields(), ...again });
    this.#last.set(key, { at: now, suppressed: 0 });
    // Keys are few (export failures, a handful of SDK warnings); bounded all the same.
    if (this.#last.size > 100) this.#last.delete(this.#last.keys().next().value as string);
    return true;
  }

  /** Whether `key` is a problem that was logged and not yet cleared. */
  has(key: string): boolean {
    return this.#last.has(key);
  }

  /** Forgets `key`: the next occurrence is logged at once. */
  clear(key: string): void {
    this.#last.delete(key);
  }
}
