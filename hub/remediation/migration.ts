import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for automatic remediation; its place (version) in the list is set in
 * hub/store/migrations.ts. remediation_log has one row per automatic run (counted by the limits, per
 * target), per firing it did not act on because a silence or maintenance window held it, and per
 * time it gave up and escalated (with the escalation's fingerprint, resolved with its alert). The
 * action itself is audited in action_requests like any other (request_id joins them).
 */
export const remediationMigration: Omit<Migration, "version"> = {
  description: "automatic remediation: runs, pauses and escalations",
  up(db) {
    db.exec(`
      CREATE TABLE remediation_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'paused', 'gave_up')),
        rule TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        -- the alert's host, and the agent asked to act (another host when the rule says so)
        host_id TEXT,
        agent_id TEXT,
        action TEXT NOT NULL,
        params TEXT NOT NULL,
        target_key TEXT,
        -- runs: running, then the action's final status (succeeded, failed, refused, ...) or interrupted
        status TEXT,
        request_id TEXT,
        exit_code INTEGER,
        duration_ms REAL,
        finished_at INTEGER,
        detail TEXT NOT NULL DEFAULT '',
        escalation_fingerprint TEXT,
        resolved_at INTEGER
      ) STRICT;
      CREATE INDEX remediation_runs_by_target ON remediation_log (target_key, at) WHERE kind = 'run';
      CREATE INDEX remediation_log_by_alert ON remediation_log (fingerprint, at);
      CREATE INDEX remediation_log_by_time ON remediation_log (at);
    `);
  },
};
