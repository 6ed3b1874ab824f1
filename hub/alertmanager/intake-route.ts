import type { Hono } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { type FieldIssue, toFieldIssues } from "../../shared/validation/issues.ts";
import type { NotifiedAlert } from "../notify/notification.ts";
import type { SubmitOutcome } from "../notify/notifier.ts";
import { alertmanagerAuth } from "./intake-auth.ts";
import { alertmanagerPayload } from "./payload.ts";
import { readCappedJson } from "../http/read-capped-json.ts";
import { toAlerts } from "./to-alerts.ts";

export interface AlertmanagerIntakeOptions {
  /** The notifier (hub/notify): the same routes, channels and outbox as the hub's own alerts. */
  sink: { submitAlerts(alerts: readonly NotifiedAlert[]): SubmitOutcome };
  tokens: readonly Secret[];
  maxBodyBytes: number;
  logger: Logger;
  now: () => number;
}

/** What the intake answers: how many alerts it read and what became of them. */
export interface AlertmanagerIntakeResult extends SubmitOutcome {
  received: number;
}

/**
 * POST /api/v1/alertmanager: an Alertmanager's webhook_config points here, and its alerts go out
 * through Vigil's channels like the hub's own. Alertmanager treats 4xx as permanent and retries
 * 5xx, so a payload this hub can never read is a 400 naming the field, and the notifications are
 * in the outbox (committed) before the 200.
 */
export function registerAlertmanagerIntake(app: Hono, o: AlertmanagerIntakeOptions): void {
  app.post("/api/v1/alertmanager", alertmanagerAuth({ tokens: o.tokens }), async (c) => {
    const body = await readCappedJson(c.req.raw, o.maxBodyBytes, { tooLarge: "ALERTMANAGER_TOO_LARGE", badJson: "ALERTMANAGER_BAD_JSON" });
    const parsed = alertmanagerPayload.safeParse(body, { reportInput: true });
    if (!parsed.success) throw schemaError(toFieldIssues(parsed.error.issues));
    const converted = toAlerts(parsed.data, o.now());
    if (!converted.ok) throw schemaError(converted.issues);
    const outcome = o.sink.submitAlerts(converted.alerts);
    // Alertmanager resends a group's alerts with every notification of it: only news is worth an info line.
    o.logger[outcome.enqueued > 0 ? "info" : "debug"]("alertmanager payload received", {
      receiver: parsed.data.receiver,
      groupKey: parsed.data.groupKey,
      status: parsed.data.status,
      alerts: converted.alerts.length,
      enqueued: outcome.enqueued,
      duplicates: outcome.duplicates,
      muted: outcome.muted,
    });
    return c.json({ received: converted.alerts.length, ...outcome } satisfies AlertmanagerIntakeResult);
  });
}

function schemaError(issues: FieldIssue[]): ApiError {
  const first = issues[0];
  const where = first ? `${first.path === "" ? "(body)" : first.path}: ${first.message}` : "invalid";
  return new ApiError(400, "ALERTMANAGER_SCHEMA", `not an Alertmanager webhook payload (version 4): ${where}`, {
    ...(first ? { field: first.path } : {}),
    issues: issues.slice(0, 20),
  });
}
