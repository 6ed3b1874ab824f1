/**
 * A chunk size that adapts to how long the last chunk took, so each step of background work
 * (rollup, retention) stays near a time budget whatever the machine and the data: work runs on
 * the same thread as ingest, and a step that ran 100 ms would hold every push for 100 ms.
 */
export class ChunkSize {
  #value: number;
  readonly #min: number;
  readonly #max: number;
  readonly #targetMs: number;

  constructor(o: { initial: number; min: number; max: number; targetMs: number }) {
    this.#value = o.initial;
    this.#min = o.min;
    this.#max = o.max;
    this.#targetMs = o.targetMs;
  }

  get value(): number {
    return this.#value;
  }

  /** Records how long a chunk of the current size took; grows at most 2x and shrinks at most 4x per step. */
  took(elapsedMs: number): void {
    const ratio = this.#targetMs / Math.max(elapsedMs, 0.05);
    const next = Math.round(this.#value * Math.min(2, Math.max(0.25, ratio)));
    this.#value = Math.min(this.#max, Math.max(this.#min, next));
  }
}
