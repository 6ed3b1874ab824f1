import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for failover; its place (version) in the list is set in hub/store/migrations.ts.
 * failover_groups holds each group's fencing state: the epoch (incremented by every switch, in the
 * same transaction as the switch), the active member, the pin, and how far the leases granted in the
 * current and the previous epoch reach. failover_history has one row per epoch.
 */
export const failoverMigration: Omit<Migration, "version"> = {
  description: "failover groups: epoch, active member, pin, leases, switch history",
  up(db) {
    db.exec(`
      CREATE TABLE failover_groups (
        name TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL CHECK (epoch >= 1),
        active_member TEXT NOT NULL,
        since INTEGER NOT NULL,
        reason TEXT NOT NULL,
        pin_member TEXT,
        pin_until INTEGER,
        pin_by TEXT,
        pin_reason TEXT,
        -- the latest expiry of the leases granted in this epoch
        lease_until INTEGER NOT NULL DEFAULT 0,
        -- the latest expiry of the leases granted in every earlier epoch: nobody is granted one in this epoch before it
        previous_lease_until INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE TABLE failover_history (
        group_name TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        from_member TEXT,
        to_member TEXT NOT NULL,
        at INTEGER NOT NULL,
        -- failover, failback, pin, config, initial
        cause TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (group_name, epoch)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
