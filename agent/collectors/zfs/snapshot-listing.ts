import { ZFS_COMMANDS, SNAPSHOT_COLUMNS, type ZfsSource } from "./exec.ts";
import { parseSnapshotList, type SnapshotSummary } from "./parse-snapshots.ts";

/** A snapshot listing and when it finished. */
export interface SnapshotListing {
  summaries: ReadonlyMap<string, SnapshotSummary>;
  /** Milliseconds since the epoch. */
  listedAt: number;
  durationMs: number;
}

export interface SnapshotListerOptions {
  source: ZfsSource;
  intervalMs: number;
  timeoutMs: number;
  /** Wall clock, milliseconds; default Date.now. */
  now?: () => number;
}

/**
 * Runs `zfs list -t snapshot` beside the pool cycles rather than inside one: on a host with many thousands
 * of snapshots it can take longer than a whole cycle may. A listing starts when one is due and none is
 * running; its per-dataset summary is kept until the next one succeeds, so every cycle can report it.
 * A failure is handed out once by `takeNewFailure` (a repeat of the same failure is not); the listing is
 * tried again one interval later.
 */
export class SnapshotLister {
  readonly #o: SnapshotListerOptions;
  readonly #now: () => number;
  #listing: SnapshotListing | undefined;
  #running: Promise<void> | undefined;
  #lastStartedAt: number | undefined;
  #pendingFailure: string | undefined;
  #lastFailure: string | undefined;

  constructor(options: SnapshotListerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** The last successful listing, if any. */
  latest(): SnapshotListing | undefined {
    return this.#listing;
  }

  /** Starts a listing in the background when the interval has passed since the last one started and none is running. */
  refreshIfDue(): void {
    const now = this.#now();
    if (this.#running !== undefined) return;
    if (this.#lastStartedAt !== undefined && now - this.#lastStartedAt < this.#o.intervalMs) return;
    this.#lastStartedAt = now;
    const started = performance.now();
    this.#running = this.#o.source
      .run("zfs", ZFS_COMMANDS.snapshots, { timeoutMs: this.#o.timeoutMs })
      .then((text) => {
        this.#listing = {
          summaries: parseSnapshotList(text, SNAPSHOT_COLUMNS),
          listedAt: this.#now(),
          durationMs: performance.now() - started,
        };
        this.#lastFailure = undefined;
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== this.#lastFailure) this.#pendingFailure = message;
        this.#lastFailure = message;
      })
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** A failure not handed out before, once; undefined otherwise. */
  takeNewFailure(): string | undefined {
    const failure = this.#pendingFailure;
    this.#pendingFailure = undefined;
    return failure;
  }

  /** Settles when no listing is running (for an orderly stop and for tests). */
  async idle(): Promise<void> {
    await this.#running;
  }
}
