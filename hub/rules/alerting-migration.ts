import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for alerting: the state of every alert that is not inactive, the history of
 * its transitions, and silences. Its place (version) in the list is set in hub/store/migrations.ts.
 * Alerts and history reference hosts, so forgetting a host (registry/forget-host.ts) removes them too.
 */
export const alertingMigration: Omit<Migration, "version"> = {
  description: "alert state, alert history, silences and maintenance windows",
  up(db) {
    db.exec(`
      -- One row per alert that is pending, firing or resolved; an inactive alert has no row.
      CREATE TABLE alerts (
        fingerprint TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        host_id TEXT REFERENCES hosts (id),
        labels TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('pending', 'firing', 'resolved')),
        severity TEXT,
        -- JSON {severity: ms}: since when each severity's condition has held
        met_since TEXT NOT NULL,
        firing_since INTEGER,
        last_notified_at INTEGER,
        resolved_at INTEGER,
        value REAL,
        threshold REAL,
        observed_state TEXT,
        observed_at INTEGER NOT NULL,
        evaluated_at INTEGER NOT NULL,
        annotations TEXT NOT NULL,
        -- JSON MuteReason of the last notification, when a silence or maintenance window held it back
        muted_by TEXT
      ) STRICT;
      CREATE INDEX alerts_by_phase ON alerts (phase, rule);
      CREATE TABLE alert_history (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL,
        host_id TEXT REFERENCES hosts (id),
        labels TEXT NOT NULL,
        from_phase TEXT NOT NULL,
        to_phase TEXT NOT NULL,
        reason TEXT NOT NULL,
        severity TEXT,
        value REAL,
        threshold REAL,
        observed_state TEXT,
        -- 'firing' or 'resolved' when the transition sent a notification
        notification TEXT,
        muted_by TEXT
      ) STRICT;
      CREATE INDEX alert_history_by_fingerprint ON alert_history (fingerprint, at);
      CREATE INDEX alert_history_by_time ON alert_history (at);
      CREATE TABLE silences (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('silence', 'maintenance')),
        -- JSON {hosts?, rules?, labels?, hostLabels?}
        matchers TEXT NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        comment TEXT NOT NULL,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        expired_at INTEGER
      ) STRICT;
      CREATE INDEX silences_by_end ON silences (ends_at);
    `);
  },
};
