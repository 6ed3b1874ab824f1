import { z } from "zod";
import { alertSeverity } from "../../../shared/protocol/alert.ts";
import { timestampMs } from "../../../shared/protocol/primitives.ts";
import { ALERT_SOURCES } from "../alert-sink.ts";

/**
 * Schemas of the notification API's bodies (GET /api/v1/notifications, POST /api/v1/notifications/test);
 * the CLI validates the hub's answers with them.
 */

const alertInMessage = z.object({
  fingerprint: z.string(),
  rule: z.string(),
  status: z.enum(["firing", "resolved"]),
  severity: alertSeverity,
  hostId: z.string().nullable(),
  source: z.enum(ALERT_SOURCES),
});

/** One outbox message: pending (with its next attempt), delivered, or dead (with why). */
export const notificationRecord = z.object({
  id: z.int(),
  channel: z.string(),
  route: z.string().nullable(),
  groupKey: z.string(),
  state: z.enum(["pending", "delivered", "dead"]),
  alertCount: z.int().nonnegative(),
  alerts: z.array(alertInMessage),
  attempts: z.int().nonnegative(),
  createdAt: timestampMs,
  /** When a pending message is tried next; null once finished. */
  nextAttemptAt: timestampMs.nullable(),
  lastAttemptAt: timestampMs.nullable(),
  finishedAt: timestampMs.nullable(),
  lastError: z.string().nullable(),
});
export type NotificationRecord = z.infer<typeof notificationRecord>;

export const mutedRecord = z.object({
  channel: z.string(),
  alert: alertInMessage,
  mutedBy: z.object({ id: z.string(), kind: z.enum(["silence", "maintenance"]), comment: z.string().optional() }),
  at: timestampMs,
});
export type MutedNotification = z.infer<typeof mutedRecord>;

export const notificationsOverview = z.object({
  /** Messages waiting for delivery (also vigil_hub_notification_queue_depth). */
  queueDepth: z.int().nonnegative(),
  counts: z.object({ pending: z.int(), delivered: z.int(), dead: z.int() }),
  channels: z.array(z.object({ name: z.string(), type: z.string(), sendResolved: z.boolean() })),
  pending: z.array(notificationRecord),
  deadLetters: z.array(notificationRecord),
  recent: z.array(notificationRecord),
  muted: z.array(mutedRecord),
});
export type NotificationsOverview = z.infer<typeof notificationsOverview>;

export const testNotificationRequest = z.strictObject({
  channel: z.string().min(1),
  /** How long the hub may keep retrying; the CLI sends a little less than its own request timeout. */
  timeoutMs: z.int().min(100).max(120_000).optional(),
});
export type TestNotificationRequest = z.infer<typeof testNotificationRequest>;

export const testNotificationResult = z.object({
  channel: z.string(),
  type: z.string(),
  delivered: z.literal(true),
  attempts: z.int().positive(),
  durationMs: z.number().nonnegative(),
});
export type TestNotificationResult = z.infer<typeof testNotificationResult>;
