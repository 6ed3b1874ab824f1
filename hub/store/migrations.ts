import type { Migration } from "../../shared/sqlite/open-database.ts";
import { agentTokensMigration } from "../auth/token-migration.ts";
import { notificationsMigration } from "../notify/outbox/migration.ts";
import { alertingMigration } from "../rules/alerting-migration.ts";
import { storageMigration } from "./storage-migration.ts";
import { actionDeliveryConfirmationMigration, actionRequestsMigration } from "../actions/migration.ts";
import { failoverMigration } from "../failover/migration.ts";
import { remediationMigration } from "../remediation/migration.ts";
import { mcpMigration } from "../mcp/migration.ts";

/** The hub's schema history. Append only: never edit a released step. */
export const hubMigrations: readonly Migration[] = [
  {
    version: 1,
    description: "hosts, batch dedup, series, raw samples, latest values and states",
    up(db) {
      db.exec(`
        CREATE TABLE hosts (
          id TEXT PRIMARY KEY,
          hostname TEXT NOT NULL,
          labels TEXT NOT NULL,
          agent_version TEXT NOT NULL,
          boot_id TEXT NOT NULL,
          push_interval_ms INTEGER NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          last_sequence INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- Every stored batch, so a resent one is acknowledged without being stored twice.
        CREATE TABLE received_batches (
          agent_id TEXT NOT NULL,
          boot_id TEXT NOT NULL,
          sequence INTEGER NOT NULL,
          received_at INTEGER NOT NULL,
          sample_count INTEGER NOT NULL,
          PRIMARY KEY (agent_id, boot_id, sequence)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX received_batches_by_time ON received_batches (received_at);
        -- One row per distinct (host, name, labels); samples refer to it by a small integer.
        CREATE TABLE series (
          id INTEGER PRIMARY KEY,
          host_id TEXT NOT NULL REFERENCES hosts (id),
          name TEXT NOT NULL,
          labels TEXT NOT NULL,
          UNIQUE (host_id, name, labels)
        ) STRICT;
        CREATE TABLE samples (
          series_id INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          value REAL NOT NULL,
          PRIMARY KEY (series_id, timestamp)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE latest (
          series_id INTEGER PRIMARY KEY,
          timestamp INTEGER NOT NULL,
          value REAL NOT NULL
        ) STRICT;
        CREATE TABLE states (
          host_id TEXT NOT NULL REFERENCES hosts (id),
          name TEXT NOT NULL,
          labels TEXT NOT NULL,
          timestamp INTEGER NOT NULL,
          state TEXT NOT NULL,
          PRIMARY KEY (host_id, name, labels)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  { version: 2, ...storageMigration },
  { version: 3, ...agentTokensMigration },
  { version: 4, ...alertingMigration },
  { version: 5, ...notificationsMigration },
  { version: 6, ...actionRequestsMigration },
  { version: 7, ...failoverMigration },
  { version: 8, ...remediationMigration },
  { version: 9, ...mcpMigration },
  { version: 10, ...actionDeliveryConfirmationMigration },
];
