import type { Migration } from "../../shared/sqlite/open-database.ts";
import { actionsMigration } from "../actions/audit-migration.ts";

/** The agent's schema history. Append only: never edit a released step. */
export const agentMigrations: readonly Migration[] = [
  {
    version: 1,
    description: "identity, pending observations, outbox, latest values",
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        -- Observations collected but not yet sealed into a batch, one row per collection.
        CREATE TABLE pending (id INTEGER PRIMARY KEY, collected_at INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
        -- Sealed batches, gzip-compressed envelopes ready to send; removed when the hub acknowledges.
        CREATE TABLE outbox (
          sequence INTEGER PRIMARY KEY,
          boot_id TEXT NOT NULL,
          sealed_at INTEGER NOT NULL,
          sample_count INTEGER NOT NULL,
          state_count INTEGER NOT NULL,
          body BLOB NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          -- Set when the hub refused the batch as invalid: kept for inspection, never resent.
          rejected TEXT
        ) STRICT;
        CREATE TABLE latest_samples (
          name TEXT NOT NULL, labels TEXT NOT NULL, timestamp INTEGER NOT NULL, value REAL NOT NULL,
          PRIMARY KEY (name, labels)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE latest_states (
          name TEXT NOT NULL, labels TEXT NOT NULL, timestamp INTEGER NOT NULL, state TEXT NOT NULL,
          PRIMARY KEY (name, labels)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: "local history of samples and state changes, kept by age and size",
    up(db) {
      db.exec(`
        -- One row per distinct (name, labels), so history rows carry a small integer instead of the text.
        CREATE TABLE series (id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (name, labels)) STRICT;
        -- Clustered by time: appends go to the end of the tree and retention deletes a prefix of it.
        CREATE TABLE samples (
          timestamp INTEGER NOT NULL, series_id INTEGER NOT NULL, value REAL NOT NULL,
          PRIMARY KEY (timestamp, series_id)
        ) STRICT, WITHOUT ROWID;
        -- States are kept as changes only: a unit that stays "active" for a week is one row, not 60,000.
        CREATE TABLE state_changes (
          timestamp INTEGER NOT NULL, series_id INTEGER NOT NULL, state TEXT NOT NULL,
          PRIMARY KEY (timestamp, series_id)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    description: "outbox batch sizes, for the outbox bound",
    up(db) {
      db.exec(`
        ALTER TABLE outbox ADD COLUMN body_bytes INTEGER NOT NULL DEFAULT 0;
        UPDATE outbox SET body_bytes = length(body);
        -- Covers the bound's sums and the outbox statistics, which would otherwise read every batch's
        -- body: 9 ms per seal with a day of backlog, against 1 ms with this index (docs/benchmarks.md).
        CREATE INDEX outbox_sizes ON outbox (sequence, body_bytes, sample_count, sealed_at, rejected);
      `);
    },
  },
  {
    version: 4,
    description: "action audit (written by the action executor)",
    up(db) {
      db.exec(`
        -- Every action request the agent received, whatever became of it. Never pruned automatically.
        CREATE TABLE action_audit (
          id INTEGER PRIMARY KEY,
          request_id TEXT NOT NULL UNIQUE,
          action TEXT NOT NULL,
          params TEXT NOT NULL CHECK (json_valid(params)),
          initiator TEXT NOT NULL,
          requested_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          -- e.g. received, refused, running, succeeded, failed, timed_out
          status TEXT NOT NULL,
          exit_code INTEGER,
          output_excerpt TEXT
        ) STRICT;
        CREATE INDEX action_audit_requested_at ON action_audit (requested_at);
      `);
    },
  },
  { version: 5, ...actionsMigration },
];
