/**
 * One run at a time per target: requests for a busy target wait their turn, first come first served,
 * instead of being refused, so two restarts of one unit asked for at the same moment both happen,
 * one after the other. Only when `maxQueued` are already waiting is a request turned away.
 */
export class TargetQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #waiting = new Map<string, number>();
  readonly #maxQueued: number;

  constructor(maxQueued: number) {
    this.#maxQueued = maxQueued;
  }

  /** Requests waiting (not yet running) for `target`. */
  waiting(target: string): number {
    return this.#waiting.get(target) ?? 0;
  }

  /** True when the target runs something now. */
  busy(target: string): boolean {
    return this.#tails.has(target);
  }

  /**
   * Runs `task` once everything queued before it for `target` has finished. Returns undefined, without
   * running it, when the queue is full.
   */
  run<T>(target: string, task: () => Promise<T>): Promise<T> | undefined {
    const previous = this.#tails.get(target);
    if (previous !== undefined && this.waiting(target) >= this.#maxQueued) return undefined;
    if (previous !== undefined) this.#waiting.set(target, this.waiting(target) + 1);
    const result = (async () => {
      if (previous !== undefined) {
        await previous;
        this.#waiting.set(target, this.waiting(target) - 1);
        if (this.waiting(target) === 0) this.#waiting.delete(target);
      }
      return task();
    })();
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(target, tail);
    void tail.then(() => {
      if (this.#tails.get(target) === tail) this.#tails.delete(target);
    });
    return result;
  }
}
