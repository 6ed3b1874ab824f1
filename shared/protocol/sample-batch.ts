import { z } from "zod";
import { hostIdentity } from "./identity.ts";
import { timestampMs } from "./primitives.ts";
import { MAX_SAMPLES_PER_BATCH, MAX_STATES_PER_BATCH } from "./limits.ts";
import { numericSample, stateRecord } from "./samples.ts";

export { MAX_SAMPLES_PER_BATCH, MAX_STATES_PER_BATCH };

/**
 * What an agent pushes. (host.agentId, host.bootId, sequence) identifies the batch: the agent
 * assigns the sequence when it seals the batch into its outbox and never reuses it, so a resend
 * after a timeout is recognised by the hub and acknowledged without being stored twice.
 */
export const sampleBatch = z.object({
  host: hostIdentity,
  sequence: z.int().positive(),
  /** When the agent sealed the batch (its clock). */
  sealedAt: timestampMs,
  /** The agent's push interval, so the hub can judge staleness per host. */
  pushIntervalMs: z.int().positive(),
  samples: z.array(numericSample).max(MAX_SAMPLES_PER_BATCH),
  states: z.array(stateRecord).max(MAX_STATES_PER_BATCH).default([]),
});
export type SampleBatch = z.infer<typeof sampleBatch>;
/** The shape a producer writes (defaults may be omitted). */
export type SampleBatchInput = z.input<typeof sampleBatch>;

/** The hub's answer to a batch. `duplicate` is true when it had already stored this sequence. */
export const ingestAck = z.object({
  agentId: z.string(),
  bootId: z.string(),
  sequence: z.int().positive(),
  duplicate: z.boolean(),
  storedSamples: z.int().nonnegative(),
  storedStates: z.int().nonnegative(),
});
export type IngestAck = z.infer<typeof ingestAck>;
