import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for actions; its place (version) in the list is set in hub/store/migrations.ts.
 * action_requests is both the queue of signed requests waiting for their agent (status 'queued') and
 * the hub's audit: one row per request issued or refused, completed by the agent's result. A second
 * result for one request (the agent refusing a replay) gets a row of its own.
 */
export const actionRequestsMigration: Omit<Migration, "version"> = {
  description: "action requests: the queue to agents and the hub's action audit",
  up(db) {
    db.exec(`
      CREATE TABLE action_requests (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        action TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        reason TEXT,
        confirm INTEGER NOT NULL,
        dry_run INTEGER NOT NULL,
        initiator TEXT NOT NULL,
        role TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        -- queued, delivered, succeeded, failed, timed_out, dry_run, refused, expired
        status TEXT NOT NULL,
        -- 'hub' or 'agent' when refused
        refused_by TEXT,
        refusal_code TEXT,
        refusal_message TEXT,
        argv TEXT CHECK (argv IS NULL OR json_valid(argv)),
        exit_code INTEGER,
        stdout TEXT,
        stderr TEXT,
        output_truncated INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER,
        duration_ms REAL,
        delivered_at INTEGER,
        finished_at INTEGER,
        note TEXT,
        -- the signed action_request envelope, kept until the agent fetches it
        envelope TEXT
      ) STRICT;
      CREATE INDEX action_requests_queue ON action_requests (agent_id, status, id);
      CREATE INDEX action_requests_request_id ON action_requests (request_id);
    `);
  },
};

/**
 * Delivery confirmed by the agent (docs/actions.md, delivery). A poll's answer can vanish into a
 * half-open connection while the hub's write "succeeds", so a request handed to an agent that
 * confirms deliveries keeps its envelope until the agent's ack (confirmed_at), and goes back to the
 * queue when none comes in time; deliveries counts the handovers. Rows delivered before this step
 * went to agents that did not confirm: they count one delivery and are never handed over again.
 */
export const actionDeliveryConfirmationMigration: Omit<Migration, "version"> = {
  description: "action requests: deliveries confirmed by the agent, counted handovers",
  up(db) {
    db.exec(`
      ALTER TABLE action_requests ADD COLUMN confirmed_at INTEGER;
      ALTER TABLE action_requests ADD COLUMN deliveries INTEGER NOT NULL DEFAULT 0;
      UPDATE action_requests SET deliveries = 1 WHERE delivered_at IS NOT NULL;
    `);
  },
};
