import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";

/** What one collection produced. Missing readings are absent, never 0. */
export interface Observations {
  samples: NumericSample[];
  states: StateRecord[];
}

export type CollectOutcome =
  | ({ kind: "ok" } & Observations)
  /** The tool, socket or file does not exist or may not be used here: said once, retried later. */
  | { kind: "unavailable"; reason: string };

export interface CollectContext {
  /** Milliseconds since the epoch; the timestamp of every sample of this cycle. */
  now: number;
  /** Aborted when the collector's timeout passes; runners must kill what they started. */
  signal: AbortSignal;
}

/**
 * One source of observations (system, gpu, zfs, containers, units, probes). Adding a collector is
 * adding a folder with an index.ts exporting one of these and a line in agent/collectors/registry.ts.
 * A collector throws for a failed cycle (garbage output, a crashed tool): the scheduler counts and
 * logs it, and the next cycle runs as usual.
 */
export interface Collector {
  readonly name: string;
  collect(ctx: CollectContext): Promise<CollectOutcome>;
}
