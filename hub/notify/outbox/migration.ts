import type { Migration } from "../../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for notifications: the outbox (one row per message to one channel, kept
 * after delivery as the delivery log) and the keys that stop one alert transition from being sent
 * twice to a channel. Its place (version) in the list is set in hub/store/migrations.ts.
 */
export const notificationsMigration: Omit<Migration, "version"> = {
  description: "notification outbox and delivery log, dedup keys",
  up(db) {
    db.exec(`
      CREATE TABLE notification_outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        route TEXT,
        group_key TEXT NOT NULL,
        -- JSON array of the alerts in this message
        alerts TEXT NOT NULL,
        alert_count INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        -- when a pending row is due (the end of its group window, then of each backoff)
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_error TEXT,
        -- when it was delivered or dead-lettered
        finished_at INTEGER
      ) STRICT;
      CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_at);
      CREATE INDEX notification_outbox_open_group ON notification_outbox (channel, group_key, state);
      CREATE INDEX notification_outbox_finished ON notification_outbox (finished_at) WHERE finished_at IS NOT NULL;
      -- One row per (channel, fingerprint|status|startsAt) already enqueued or muted.
      CREATE TABLE notification_keys (
        channel TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        outbox_id INTEGER,
        -- JSON of the MuteReason when the transition was muted instead of sent
        muted_by TEXT,
        -- JSON of the alert, kept for muted transitions so the API can show what was muted
        alert TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (channel, dedup_key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX notification_keys_by_time ON notification_keys (last_seen);
    `);
  },
};
