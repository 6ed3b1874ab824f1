import type { Hono } from "hono";
import type { Secret } from "../../../shared/config/secret.ts";
import { ApiError } from "../../../shared/http/api-error.ts";
import type { Logger } from "../../../shared/log/logger.ts";
import { adminAuth } from "../../auth/admin-auth.ts";
import { readJsonRequest } from "../../auth/json-request.ts";
import type { NotifyService } from "../notify-service.ts";
import type { OutboxRow } from "../outbox/outbox-store.ts";
import { type NotificationRecord, type NotificationsOverview, type TestNotificationResult, testNotificationRequest } from "./schema.ts";

export interface NotificationRoutesOptions {
  notify: NotifyService;
  adminTokens: readonly Secret[];
  logger: Logger;
  now: () => number;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;
/** A test message retries for at most this long unless the request asks for less. */
const DEFAULT_TEST_WINDOW_MS = 8_000;

/**
 * GET /api/v1/notifications: the queue depth, pending messages, dead letters, recent deliveries and
 * muted transitions (`vigil notifications`). POST /api/v1/notifications/test {channel} sends a test
 * message straight to a channel (`vigil test-notify`); it is an admin call, since it sends messages.
 */
export function registerNotificationRoutes(app: Hono, o: NotificationRoutesOptions): void {
  app.get("/api/v1/notifications", (c) => {
    const limit = parseLimit(c.req.query("limit"));
    const { outbox, keys, channels } = o.notify;
    const body: NotificationsOverview = {
      queueDepth: outbox.queueDepth(),
      counts: outbox.counts(),
      channels: [...channels.values()].map((ch) => ({ name: ch.name, type: ch.type, sendResolved: ch.sendResolved })),
      pending: outbox.list("pending", limit).map(toRecord),
      deadLetters: outbox.list("dead", limit).map(toRecord),
      recent: outbox.list("delivered", limit).map(toRecord),
      muted: keys.recentMuted(limit).map((m) => ({ channel: m.channel, alert: alertSummary(m.alert), mutedBy: m.mutedBy, at: m.at })),
    };
    return c.json(body);
  });

  app.post("/api/v1/notifications/test", adminAuth({ adminTokens: o.adminTokens }), async (c) => {
    const request = await readJsonRequest(c, testNotificationRequest, "NOTIFY_TEST_SCHEMA");
    const channel = o.notify.channels.get(request.channel);
    if (!channel) {
      const known = [...o.notify.channels.keys()];
      throw new ApiError(
        404,
        "CHANNEL_NOT_FOUND",
        `no channel named "${request.channel}" in notify.channels${known.length > 0 ? ` (there are: ${known.join(", ")})` : " (none is configured)"}`,
        { field: "channel" },
      );
    }
    const outcome = await o.notify.sendTest(channel, o.now() + (request.timeoutMs ?? DEFAULT_TEST_WINDOW_MS));
    if (outcome.result.kind !== "success") {
      o.logger.warn("test notification failed", { channel: channel.name, attempts: outcome.attempts, reason: outcome.result.reason });
      throw new ApiError(
        502,
        "NOTIFY_TEST_FAILED",
        `channel "${channel.name}" (${channel.type}): ${outcome.result.reason}` +
          (outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts)` : ""),
        { field: "channel" },
      );
    }
    o.logger.info("test notification sent", { channel: channel.name, attempts: outcome.attempts, durationMs: outcome.durationMs });
    const body: TestNotificationResult = {
      channel: channel.name,
      type: channel.type,
      delivered: true,
      attempts: outcome.attempts,
      durationMs: outcome.durationMs,
    };
    return c.json(body);
  });
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new ApiError(400, "BAD_QUERY", `limit: expected an integer from 1 to ${MAX_LIMIT}, got "${text.slice(0, 20)}"`, {
      field: "limit",
    });
  }
  return n;
}

function toRecord(row: OutboxRow): NotificationRecord {
  return {
    id: row.id,
    channel: row.channel,
    route: row.route,
    groupKey: row.groupKey,
    state: row.state,
    alertCount: row.alertCount,
    alerts: row.alerts.map(alertSummary),
    attempts: row.attempts,
    createdAt: row.createdAt,
    nextAttemptAt: row.state === "pending" ? row.nextAttemptAt : null,
    lastAttemptAt: row.lastAttemptAt,
    finishedAt: row.finishedAt,
    lastError: row.lastError,
  };
}

function alertSummary(a: OutboxRow["alerts"][number]): NotificationRecord["alerts"][number] {
  return { fingerprint: a.fingerprint, rule: a.rule, status: a.status, severity: a.severity, hostId: a.hostId, source: a.source };
}
