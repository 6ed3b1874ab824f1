import type { Db } from "../../shared/sqlite/open-database.ts";
import type { Pin, SwitchCause } from "./decide.ts";

/** A group's persisted fencing state. */
export interface GroupRecord {
  name: string;
  epoch: number;
  active: string;
  since: number;
  reason: string;
  pin: Pin | null;
  leaseUntil: number;
  previousLeaseUntil: number;
}

export interface HistoryEntry {
  epoch: number;
  from: string | null;
  to: string;
  at: number;
  cause: SwitchCause | "initial";
  reason: string;
}

/** History rows kept per group; older ones are deleted as new switches are recorded. */
export const HISTORY_KEPT = 500;

interface GroupRow {
  name: string;
  epoch: number;
  active: string;
  since: number;
  reason: string;
  pinMember: string | null;
  pinUntil: number | null;
  pinBy: string | null;
  pinReason: string | null;
  leaseUntil: number;
  previousLeaseUntil: number;
}

/** The epoch moved on under a switch: another switch won. Never expected in one hub process. */
export class EpochConflictError extends Error {
  override readonly name = "EpochConflictError";
}

/**
 * failover_groups and failover_history. A switch increments the epoch and records the history row
 * in one transaction, conditional on the epoch the caller decided from, so an epoch is never given
 * to two members.
 */
export class FailoverStore {
  readonly db: Db;
  readonly #get;
  readonly #insert;
  readonly #history;
  readonly #switch;
  readonly #prune;
  readonly #pin;
  readonly #lease;
  readonly #list;
  readonly #leftPrimary;

  constructor(db: Db) {
    this.db = db;
    this.#get = db.prepare(`SELECT name, epoch, active_member AS active, since, reason, pin_member AS pinMember, pin_until AS pinUntil,
      pin_by AS pinBy, pin_reason AS pinReason, lease_until AS leaseUntil, previous_lease_until AS previousLeaseUntil
      FROM failover_groups WHERE name = ?`);
    this.#insert = db.prepare(`INSERT INTO failover_groups (name, epoch, active_member, since, reason) VALUES (?, 1, ?, ?, ?)`);
    this.#history = db.prepare(
      `INSERT INTO failover_history (group_name, epoch, from_member, to_member, at, cause, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#switch = db.prepare(`UPDATE failover_groups SET epoch = epoch + 1, active_member = @to, since = @now, reason = @reason,
      previous_lease_until = MAX(lease_until, previous_lease_until), lease_until = 0 WHERE name = @group AND epoch = @epoch`);
    this.#prune = db.prepare(`DELETE FROM failover_history WHERE group_name = ? AND epoch <= ?`);
    this.#pin = db.prepare(`UPDATE failover_groups SET pin_member = ?, pin_until = ?, pin_by = ?, pin_reason = ? WHERE name = ?`);
    this.#lease = db.prepare(`UPDATE failover_groups SET lease_until = MAX(lease_until, ?) WHERE name = ? AND epoch = ?`);
    this.#list = db.prepare(`SELECT epoch, from_member AS "from", to_member AS "to", at, cause, reason FROM failover_history
      WHERE group_name = ? ORDER BY epoch DESC LIMIT ?`);
    this.#leftPrimary = db
      .prepare(`SELECT at FROM failover_history WHERE group_name = ? AND from_member = ? ORDER BY epoch DESC LIMIT 1`)
      .pluck();
  }

  get(name: string): GroupRecord | undefined {
    const row = this.#get.get(name) as GroupRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The group as first seen: epoch 1, the primary active. */
  create(name: string, primary: string, now: number): GroupRecord {
    const reason = `${primary} is the primary`;
    this.db.transaction(() => {
      this.#insert.run(name, primary, now, reason);
      this.#history.run(name, 1, null, primary, now, "initial", reason);
    })();
    return this.#must(name);
  }

  /** Makes `to` active in a new epoch (the one after `fromEpoch`) and records it, in one transaction. */
  switchTo(name: string, fromEpoch: number, to: string, cause: SwitchCause, reason: string, now: number): GroupRecord {
    return this.db.transaction(() => {
      const before = this.#must(name);
      const changed = this.#switch.run({ group: name, epoch: fromEpoch, to, now, reason }).changes;
      if (changed !== 1) throw new EpochConflictError(`failover group ${name}: expected epoch ${fromEpoch}, found ${before.epoch}`);
      this.#history.run(name, fromEpoch + 1, before.active, to, now, cause, reason);
      this.#prune.run(name, fromEpoch + 1 - HISTORY_KEPT);
      return this.#must(name);
    })();
  }

  setPin(name: string, pin: Pin | null): GroupRecord {
    this.#pin.run(pin?.member ?? null, pin?.until ?? null, pin?.by ?? null, pin?.reason ?? null, name);
    return this.#must(name);
  }

  /** Records a lease granted in `epoch` (ignored if the epoch has moved on meanwhile). */
  recordLease(name: string, epoch: number, until: number): void {
    this.#lease.run(until, name, epoch);
  }

  /** The newest switches first. */
  history(name: string, limit: number): HistoryEntry[] {
    return this.#list.all(name, limit) as HistoryEntry[];
  }

  /** When the group last switched away from `member`, if it ever did. */
  lastLeft(name: string, member: string): number | undefined {
    return this.#leftPrimary.get(name, member) as number | undefined;
  }

  #must(name: string): GroupRecord {
    const g = this.get(name);
    if (!g) throw new Error(`failover group ${name} has no row`);
    return g;
  }
}

function toRecord(r: GroupRow): GroupRecord {
  const pin =
    r.pinMember !== null && r.pinUntil !== null
      ? { member: r.pinMember, until: r.pinUntil, by: r.pinBy ?? "admin", reason: r.pinReason }
      : null;
  return {
    name: r.name,
    epoch: r.epoch,
    active: r.active,
    since: r.since,
    reason: r.reason,
    pin,
    leaseUntil: r.leaseUntil,
    previousLeaseUntil: r.previousLeaseUntil,
  };
}
