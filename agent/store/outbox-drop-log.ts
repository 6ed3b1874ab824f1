import type { Logger } from "../../shared/log/logger.ts";
import type { DropReport } from "./outbox.ts";

/**
 * Reports batches dropped at the outbox bound by episode: one warning when dropping starts, one line
 * with the total and the sequence range when a seal no longer needs to drop (the hub is back, or the
 * agent stops). An outage of days is two lines, and nothing is dropped without being said; the
 * counts are also in /metrics and persisted in the database.
 */
export class OutboxDropLog {
  readonly #logger: Logger;
  readonly #maxBytes: number;
  #episode: DropReport | undefined;

  constructor(logger: Logger, maxBytes: number) {
    this.#logger = logger;
    this.#maxBytes = maxBytes;
  }

  /** Called after every seal with what it dropped (null: nothing). */
  note(dropped: DropReport | null): void {
    if (dropped === null) {
      this.end();
      return;
    }
    if (this.#episode === undefined) {
      this.#episode = { ...dropped };
      this.#logger.warn("outbox is over its bound: dropping the oldest unsent batches until the hub takes them again", {
        outboxMaxBytes: this.#maxBytes,
        droppedBatches: dropped.batches,
        droppedSequences: range(dropped),
      });
      return;
    }
    this.#episode.batches += dropped.batches;
    this.#episode.samples += dropped.samples;
    this.#episode.lastSequence = dropped.lastSequence;
  }

  /** Ends an episode under way with its summary. */
  end(): void {
    const e = this.#episode;
    if (e === undefined) return;
    this.#episode = undefined;
    this.#logger.warn("outbox dropped batches at its bound; they are lost", {
      droppedBatches: e.batches,
      droppedSamples: e.samples,
      droppedSequences: range(e),
      outboxMaxBytes: this.#maxBytes,
    });
  }
}

function range(r: DropReport): string {
  return r.firstSequence === r.lastSequence ? String(r.firstSequence) : `${r.firstSequence}-${r.lastSequence}`;
}
