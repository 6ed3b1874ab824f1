import type { Db } from "../../shared/sqlite/open-database.ts";

export type RollupResolution = "1m" | "1h";

/**
 * How far each rollup has got: every bucket before `doneUntil` is rolled up, and the bucket at
 * `doneUntil` may be partly rolled while `inProgress`. The writer asks it whether a sample is late
 * (its minute already rolled up, so the minute must be rolled again); the rollup job advances it.
 * Persisted in rollup_watermarks whenever a bucket is finished, in the same transaction.
 */
export class RollupProgress {
  readonly #save;
  readonly #load;
  readonly #doneUntil = new Map<RollupResolution, number | null>();
  readonly #inProgress = new Set<RollupResolution>();

  constructor(db: Db) {
    this.#save = db.prepare("UPDATE rollup_watermarks SET done_until = ? WHERE resolution = ?");
    this.#load = db.prepare("SELECT resolution, done_until AS doneUntil FROM rollup_watermarks");
    this.reload();
  }

  /** Reads the persisted watermarks again (after a rollup transaction rolled back). */
  reload(): void {
    for (const r of this.#load.all() as Array<{ resolution: RollupResolution; doneUntil: number | null }>) {
      this.#doneUntil.set(r.resolution, r.doneUntil);
    }
  }

  /** The first bucket not wholly rolled up, or null before the first rollup. */
  doneUntil(resolution: RollupResolution): number | null {
    return this.#doneUntil.get(resolution) ?? null;
  }

  /** Buckets before this one have been (or are being) rolled up: a sample for them is late. */
  lateBefore(resolution: RollupResolution): number {
    const done = this.doneUntil(resolution);
    if (done === null) return Number.NEGATIVE_INFINITY;
    return this.#inProgress.has(resolution) ? done + 1 : done;
  }

  startBucket(resolution: RollupResolution): void {
    this.#inProgress.add(resolution);
  }

  /** Records that every bucket before `doneUntil` is rolled up. Call inside the transaction that finished it. */
  finishUntil(resolution: RollupResolution, doneUntil: number): void {
    this.#save.run(doneUntil, resolution);
    this.#doneUntil.set(resolution, doneUntil);
    this.#inProgress.delete(resolution);
  }
}
