import type { AlertEvent } from "../../../shared/protocol/alert.ts";
import type { Db } from "../../../shared/sqlite/open-database.ts";
import type { MuteReason } from "../alert-sink.ts";
import type { NotifiedAlert } from "../notification.ts";

/** What is known of one transition for one channel. */
export interface KeyRecord {
  outboxId: number | null;
  mutedBy: MuteReason | null;
}

/** A transition that was muted instead of sent, for the API. */
export interface MutedRecord {
  channel: string;
  alert: NotifiedAlert;
  mutedBy: MuteReason;
  at: number;
}

/** One alert transition: the same alert (fingerprint) changing to the same status for the same episode (startsAt). */
export function dedupKey(event: Pick<AlertEvent, "fingerprint" | "status" | "startsAt">): string {
  return `${event.fingerprint}|${event.status}|${event.startsAt}`;
}

/**
 * notification_keys: which transitions each channel was already sent (or had muted), so a
 * transition submitted twice, by a rule re-evaluated after a restart or an Alertmanager repeating
 * itself, is sent once. `last_seen` moves on every repeat, so a key is pruned only once its alert
 * has been quiet for the retention period.
 */
export class DedupKeys {
  readonly #get;
  readonly #put;
  readonly #touch;
  readonly #muted;
  readonly #prune;

  constructor(db: Db) {
    this.#get = db.prepare("SELECT outbox_id AS outboxId, muted_by AS mutedBy FROM notification_keys WHERE channel = ? AND dedup_key = ?");
    this.#put = db.prepare(
      `INSERT INTO notification_keys (channel, dedup_key, outbox_id, muted_by, alert, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, dedup_key) DO UPDATE SET outbox_id = excluded.outbox_id, muted_by = excluded.muted_by,
         alert = excluded.alert, last_seen = excluded.last_seen`,
    );
    this.#touch = db.prepare("UPDATE notification_keys SET last_seen = ? WHERE channel = ? AND dedup_key = ?");
    this.#muted = db.prepare(
      `SELECT channel, alert, muted_by AS mutedBy, last_seen AS at FROM notification_keys
       WHERE muted_by IS NOT NULL ORDER BY last_seen DESC LIMIT ?`,
    );
    this.#prune = db.prepare("DELETE FROM notification_keys WHERE last_seen < ?");
  }

  get(channel: string, key: string): KeyRecord | undefined {
    const row = this.#get.get(channel, key) as { outboxId: number | null; mutedBy: string | null } | undefined;
    if (!row) return undefined;
    return { outboxId: row.outboxId, mutedBy: row.mutedBy === null ? null : (JSON.parse(row.mutedBy) as MuteReason) };
  }

  /** Records a transition as enqueued in outbox row `outboxId`. */
  recordSent(channel: string, key: string, outboxId: number, now: number): void {
    this.#put.run(channel, key, outboxId, null, null, now, now);
  }

  /** Records a transition as muted; the alert is kept so the API can say what was held back. */
  recordMuted(channel: string, key: string, alert: NotifiedAlert, reason: MuteReason, now: number): void {
    this.#put.run(channel, key, null, JSON.stringify(reason), JSON.stringify(alert), now, now);
  }

  touch(channel: string, key: string, now: number): void {
    this.#touch.run(now, channel, key);
  }

  recentMuted(limit: number): MutedRecord[] {
    return (this.#muted.all(limit) as Array<{ channel: string; alert: string; mutedBy: string; at: number }>).map((r) => ({
      channel: r.channel,
      alert: JSON.parse(r.alert) as NotifiedAlert,
      mutedBy: JSON.parse(r.mutedBy) as MuteReason,
      at: r.at,
    }));
  }

  prune(before: number): number {
    return this.#prune.run(before).changes;
  }
}
