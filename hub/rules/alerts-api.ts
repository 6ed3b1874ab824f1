import { z } from "zod";
import { alertSeverity } from "../../shared/protocol/alert.ts";

/**
 * Schemas of GET /api/v1/alerts and /api/v1/alerts/:fingerprint (the hub answers with them, the
 * `vigil alerts` CLI validates with them). Timestamps are milliseconds since the epoch.
 */

export const muteReason = z.object({ id: z.string(), kind: z.enum(["silence", "maintenance"]), comment: z.string().optional() });

export const alertPhase = z.enum(["pending", "firing", "resolved"]);
export type AlertPhaseView = z.infer<typeof alertPhase>;

export const alertView = z.object({
  fingerprint: z.string(),
  rule: z.string(),
  state: alertPhase,
  severity: alertSeverity.nullable(),
  hostId: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  /** The last observed value and the threshold of the severity; null for state and host-down rules. */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  /** The last observed state, for state rules. */
  observedState: z.string().nullable(),
  /** Since when the condition has held without a break; null once it no longer holds. */
  pendingSince: z.number().nullable(),
  firingSince: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  lastNotifiedAt: z.number().nullable(),
  /** When the observation behind the state was made (sample time, or the hub's time for host-down). */
  observedAt: z.number(),
  annotations: z.record(z.string(), z.string()),
  /** Set when the last notification was held back by a silence or maintenance window. */
  mutedBy: muteReason.nullable(),
});
export type AlertView = z.infer<typeof alertView>;

export const transitionReason = z.enum([
  "pending",
  "cancelled",
  "fired",
  "escalated",
  "deescalated",
  "repeat",
  "resolved",
  "unmuted",
  "absent",
  "removed",
]);

export const alertHistoryEntry = z.object({
  id: z.number(),
  at: z.number(),
  fingerprint: z.string(),
  rule: z.string(),
  hostId: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  from: z.enum(["inactive", "pending", "firing", "resolved"]),
  to: z.enum(["inactive", "pending", "firing", "resolved"]),
  reason: transitionReason,
  severity: alertSeverity.nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  observedState: z.string().nullable(),
  /** The notification the transition sent (held back when mutedBy is set). */
  notification: z.enum(["firing", "resolved"]).nullable(),
  mutedBy: muteReason.nullable(),
});
export type AlertHistoryEntry = z.infer<typeof alertHistoryEntry>;

/** GET /api/v1/alerts */
export const alertList = z.object({ alerts: z.array(alertView), history: z.array(alertHistoryEntry) });
export type AlertList = z.infer<typeof alertList>;

/** GET /api/v1/alerts/:fingerprint */
export const alertDetail = z.object({ alert: alertView, history: z.array(alertHistoryEntry) });
export type AlertDetail = z.infer<typeof alertDetail>;
