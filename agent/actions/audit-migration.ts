import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The agent's schema step for actions; its place (version) in the list is set in agent/store/migrations.ts.
 * - action_nonces: the request ids seen, kept until their request can no longer be accepted, so a
 *   captured request replayed is refused.
 * - action_audit is rebuilt, because it made request_id UNIQUE: a replayed request must leave its own
 *   row (refused, REQUEST_REPLAYED) beside the original's. Its columns keep their order; the new ones
 *   (who, why, what ran, what came out, why refused) follow.
 */
export const actionsMigration: Omit<Migration, "version"> = {
  description: "action nonces; action audit with one row per request received, replays included",
  up(db) {
    db.exec(`
      CREATE TABLE action_nonces (request_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
      CREATE INDEX action_nonces_expires_at ON action_nonces (expires_at);

      CREATE TABLE action_audit_new (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        action TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        initiator TEXT NOT NULL,
        -- when this agent received the request
        requested_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        -- refused, queued (waiting for its target), running, succeeded, failed, timed_out, dry_run
        status TEXT NOT NULL,
        exit_code INTEGER,
        output_excerpt TEXT,
        role TEXT,
        reason TEXT,
        confirm INTEGER NOT NULL DEFAULT 0,
        dry_run INTEGER NOT NULL DEFAULT 0,
        issued_at INTEGER,
        expires_at INTEGER,
        risk TEXT,
        target TEXT,
        argv TEXT CHECK (argv IS NULL OR json_valid(argv)),
        stdout TEXT,
        stderr TEXT,
        output_truncated INTEGER NOT NULL DEFAULT 0,
        duration_ms REAL,
        refusal_code TEXT,
        refusal_message TEXT
      ) STRICT;
      INSERT INTO action_audit_new (id, request_id, action, params, initiator, requested_at, started_at, finished_at, status, exit_code, output_excerpt)
        SELECT id, request_id, action, params, initiator, requested_at, started_at, finished_at, status, exit_code, output_excerpt FROM action_audit;
      DROP TABLE action_audit;
      ALTER TABLE action_audit_new RENAME TO action_audit;
      CREATE INDEX action_audit_requested_at ON action_audit (requested_at);
      CREATE INDEX action_audit_request_id ON action_audit (request_id);
    `);
  },
};
