import type { AlertEvent } from "../../shared/protocol/alert.ts";

/** The name routes can match (`notify.routes[].match.rules`) to send backup failures somewhere of their own. */
export const BACKUP_RULE = "hub-backup-failed";

/**
 * The alert for failing scheduled backups: fires with the first failure, resolves with the next
 * success. Its startsAt stays the first failure's time, so channels see one alert, not one per try.
 */
export function backupAlert(o: {
  status: "firing" | "resolved";
  failingSince: number;
  resolvedAt?: number;
  directory: string;
  error: string;
  lastSuccessAt: number | undefined;
}): AlertEvent {
  const lastGood = o.lastSuccessAt === undefined ? "none in the directory" : new Date(o.lastSuccessAt).toISOString();
  const description =
    o.status === "firing"
      ? `Backups of the hub's database to ${o.directory} fail since ${new Date(o.failingSince).toISOString()}: ${o.error}. Newest good backup: ${lastGood}.`
      : `Backups of the hub's database to ${o.directory} work again (they failed from ${new Date(o.failingSince).toISOString()}).`;
  return {
    fingerprint: BACKUP_RULE,
    rule: BACKUP_RULE,
    status: o.status,
    severity: "warning",
    hostId: null,
    labels: { directory: o.directory },
    value: null,
    threshold: null,
    startsAt: o.failingSince,
    endsAt: o.status === "resolved" ? (o.resolvedAt ?? Date.now()) : null,
    annotations: {
      summary: o.status === "firing" ? "Hub backups are failing" : "Hub backups work again",
      // The annotation limit of the wire schema (shared/protocol/alert.ts).
      description: description.slice(0, 4096),
    },
  };
}
