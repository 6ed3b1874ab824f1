/**
 * Parked waiters by key, woken all at once: long polls parked on an agent id (woken when a request
 * is queued for it), operators parked on a request row (woken when its result comes in). In memory
 * only: the state itself is in SQLite, so a waiter that is never woken just looks again at its timeout.
 */
export class Wakeups {
  readonly #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  /** Resolves when `key` is woken, after `timeoutMs`, when `signal` aborts, or at close, whichever comes first. */
  wait(key: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed || signal?.aborted) return resolve();
      const set = this.#waiters.get(key) ?? new Set<() => void>();
      this.#waiters.set(key, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        set.delete(done);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      set.add(done);
    });
  }

  wake(key: string): void {
    for (const done of [...(this.#waiters.get(key) ?? [])]) done();
  }

  /** How many wait on `key` now. */
  count(key: string): number {
    return this.#waiters.get(key)?.size ?? 0;
  }

  /** Wakes everyone, now and later: for shutdown, so no long poll holds the server open. */
  close(): void {
    this.#closed = true;
    for (const key of [...this.#waiters.keys()]) this.wake(key);
  }

  get closed(): boolean {
    return this.#closed;
  }
}
