import { z } from "zod";
import { hostIdentity } from "./identity.ts";
import { MAX_PULL_BATCHES } from "./limits.ts";
import { timestampMs } from "./primitives.ts";
import { sampleBatch } from "./sample-batch.ts";
import { numericSample, stateRecord } from "./samples.ts";

export { MAX_PULL_BATCHES };

/**
 * The answer to `GET /api/v1/samples?after=<sequence>&limit=<n>` on an agent, for a hub that
 * scrapes it (pull mode). `batches` are the agent's sealed batches with a sequence above `after`,
 * in order, the same payloads push would send, so the hub stores them through the same idempotent
 * path. Asking with `after=N` acknowledges every batch up to N: the agent may drop them.
 */
export const samplePage = z.object({
  host: hostIdentity,
  batches: z.array(sampleBatch).max(MAX_PULL_BATCHES),
  /** True when more batches follow the last one returned. */
  more: z.boolean(),
});
export type SamplePage = z.infer<typeof samplePage>;

/** A collector's state as the agent last saw it. */
export const collectorSnapshot = z.object({
  name: z.string().min(1).max(64),
  state: z.enum(["never_run", "ok", "unavailable", "error"]),
  detail: z.string().max(2000).optional(),
  lastRunAt: timestampMs.nullable(),
});

/** The answer to `GET /api/v1/snapshot` on an agent: the latest value of every series and state. */
export const agentSnapshot = z.object({
  host: hostIdentity,
  takenAt: timestampMs,
  collectors: z.array(collectorSnapshot),
  samples: z.array(numericSample),
  states: z.array(stateRecord),
});
export type AgentSnapshot = z.infer<typeof agentSnapshot>;
