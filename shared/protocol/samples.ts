import { z } from "zod";
import { labels, metricName, timestampMs } from "./primitives.ts";

/** One numeric observation. Missing values are absent samples, never 0. */
export const numericSample = z.object({
  name: metricName,
  labels: labels.default({}),
  timestamp: timestampMs,
  value: z.number({ error: "must be a finite number" }),
});
export type NumericSample = z.infer<typeof numericSample>;

/**
 * One observation of something that is not a number: a pool's health (ONLINE, DEGRADED),
 * a unit's ActiveState, a container's health. The state is a value, never part of the name.
 */
export const stateRecord = z.object({
  name: metricName,
  labels: labels.default({}),
  timestamp: timestampMs,
  state: z.string().min(1).max(64),
});
export type StateRecord = z.infer<typeof stateRecord>;
