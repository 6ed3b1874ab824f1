import { z } from "zod";
import { labels, timestampMs } from "./primitives.ts";

export const alertSeverity = z.enum(["info", "warning", "critical"]);
export type AlertSeverity = z.infer<typeof alertSeverity>;

/** A change of an alert's state, as handed to notification channels and webhooks. */
export const alertEvent = z.object({
  /** Stable identity of the alert (rule + identifying labels): the dedup key. */
  fingerprint: z.string().min(1).max(128),
  rule: z.string().min(1).max(200),
  status: z.enum(["firing", "resolved"]),
  severity: alertSeverity,
  hostId: z.string().nullable(),
  labels: labels.default({}),
  /** The observed value and the threshold it crossed; null for state and absence conditions. */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  startsAt: timestampMs,
  endsAt: timestampMs.nullable(),
  annotations: z.record(z.string(), z.string().max(4096)).default({}),
});
export type AlertEvent = z.infer<typeof alertEvent>;
