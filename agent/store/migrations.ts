import type { Migration } from "../../shared/sqlite/open-database.ts";

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
];
