import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { BatchResult, IngestOutcome, ReceivedBatch } from "../store/hub-store.ts";

export interface GroupCommitOptions {
  /** Stores a group in one transaction, one result per batch (HubStore.ingestGroup). */
  write(items: readonly ReceivedBatch[]): BatchResult[];
  /** Longest a queued batch waits for its commit when the queue stays small. */
  intervalMs: number;
  /**
   * Samples per transaction: a queue this large is written at once, without waiting for the
   * interval, and a larger one in several transactions with the event loop let run between them.
   * A transaction blocks the event loop (no connection is accepted meanwhile), so its size bounds
   * the longest stall (at ~4 us a sample, 4,000 samples hold it ~16 ms).
   */
  groupSamples: number;
  /** Beyond this many queued samples, submit() refuses with GroupCommitBusyError (the hub answers 503). */
  maxQueuedSamples: number;
  /** Told after each commit, for metrics and the benchmark. */
  onCommit?: (stats: CommitStats) => void;
}

export interface CommitStats {
  batches: number;
  samples: number;
  /** Wall time of the transaction. */
  ms: number;
}

/** The queue is full: the writer is behind. Retry after a moment. */
export class GroupCommitBusyError extends Error {
  override readonly name = "GroupCommitBusyError";
}

interface Waiting {
  item: ReceivedBatch;
  resolve: (outcome: IngestOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: requests queue their validated batch and wait; every `intervalMs` (at once when the
 * hub was idle, or when `groupSamples` are queued) one transaction stores what is queued, and each request gets its
 * own outcome. A commit per request would bound ingest by commits per second; grouped, it is
 * bounded by the rows SQLite can insert. A request is answered only after its batch is committed,
 * so an acknowledged batch survives the hub being killed.
 */
export class GroupCommit {
  readonly #o: GroupCommitOptions;
  #queue: Waiting[] = [];
  #queuedSamples = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #lastCommit = Number.NEGATIVE_INFINITY;

  constructor(o: GroupCommitOptions) {
    this.#o = o;
  }

  /** Queues a validated batch; resolves once it is committed (or found to be a duplicate). */
  submit(batch: SampleBatch, receivedAt: number): Promise<IngestOutcome> {
    const size = batch.samples.length + batch.states.length;
    // An empty queue always takes a batch, however large, so no valid batch is refused forever.
    if (this.#queue.length > 0 && this.#queuedSamples + size > this.#o.maxQueuedSamples) {
      return Promise.reject(new GroupCommitBusyError(`the hub is behind: ${this.#queuedSamples} samples are waiting to be written`));
    }
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.#queue.push({ item: { batch, receivedAt }, resolve, reject });
      this.#queuedSamples += size;
      // A full group, or a hub that has not committed for an interval (light load: waiting would only
      // add latency), is written after the I/O callbacks of this turn, so requests read in the same
      // turn join it. Under load, commits follow each other and the interval gathers the group.
      const idle = performance.now() - this.#lastCommit >= this.#o.intervalMs;
      if (this.#queuedSamples >= this.#o.groupSamples || (idle && this.#timer === undefined)) {
        this.#immediate ??= setImmediate(() => this.flush());
      } else {
        this.#timer ??= setTimeout(() => this.flush(), this.#o.intervalMs);
      }
    });
  }

  /** Writes the oldest `groupSamples` queued now, in one transaction; the rest follows after the event loop had a turn. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    if (this.#queue.length === 0) return;
    let take = 0;
    let samples = 0;
    while (take < this.#queue.length && (take === 0 || samples < this.#o.groupSamples)) {
      const b = (this.#queue[take] as Waiting).item.batch;
      samples += b.samples.length + b.states.length;
      take++;
    }
    const group = this.#queue.splice(0, take);
    this.#queuedSamples -= samples;
    if (this.#queue.length > 0) this.#immediate = setImmediate(() => this.flush());
    const started = performance.now();
    let results: BatchResult[];
    try {
      results = this.#o.write(group.map((w) => w.item));
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    this.#lastCommit = performance.now();
    this.#o.onCommit?.({ batches: group.length, samples, ms: this.#lastCommit - started });
    group.forEach((w, i) => {
      const r = results[i];
      if (r?.ok) w.resolve(r.outcome);
      else w.reject(r ? r.error : new Error("the store returned no result for this batch"));
    });
  }

  /** Batches and samples waiting for their commit. */
  get pending(): { batches: number; samples: number } {
    return { batches: this.#queue.length, samples: this.#queuedSamples };
  }
}
