import type { Db } from "../../../shared/sqlite/open-database.ts";
import type { Notification, NotifiedAlert } from "../notification.ts";

export type OutboxState = "pending" | "delivered" | "dead";

/** One message to one channel, as kept in notification_outbox. */
export interface OutboxRow {
  id: number;
  channel: string;
  route: string | null;
  groupKey: string;
  alerts: NotifiedAlert[];
  alertCount: number;
  state: OutboxState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  finishedAt: number | null;
}

interface RawRow extends Omit<OutboxRow, "alerts"> {
  alerts: string;
}

const COLUMNS = `id, channel, route, group_key AS groupKey, alerts, alert_count AS alertCount, state, attempts,
  created_at AS createdAt, next_attempt_at AS nextAttemptAt, last_attempt_at AS lastAttemptAt,
  last_error AS lastError, finished_at AS finishedAt`;

/**
 * The notification outbox in the hub's SQLite database. Rows are written in the caller's
 * transaction (the notifier's submit) and moved by the dispatcher: pending -> delivered, or
 * pending -> dead after the last attempt or a permanent failure. Finished rows stay as the delivery log.
 */
export class OutboxStore {
  readonly db: Db;
  readonly #insert;
  readonly #openGroup;
  readonly #setAlerts;
  readonly #due;
  readonly #nextDue;
  readonly #finish;
  readonly #retry;
  readonly #depth;
  readonly #byState;
  readonly #counts;
  readonly #prune;

  constructor(db: Db) {
    this.db = db;
    this.#insert = db.prepare(
      `INSERT INTO notification_outbox (channel, route, group_key, alerts, alert_count, state, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    this.#openGroup = db.prepare(
      `SELECT ${COLUMNS} FROM notification_outbox
       WHERE channel = ? AND group_key = ? AND state = 'pending' AND attempts = 0 AND next_attempt_at > ?
       ORDER BY id DESC LIMIT 1`,
    );
    this.#setAlerts = db.prepare("UPDATE notification_outbox SET alerts = ?, alert_count = ? WHERE id = ?");
    this.#due = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY next_attempt_at, id) AS place
         FROM notification_outbox WHERE state = 'pending' AND next_attempt_at <= ?
       ) WHERE place = 1 ORDER BY next_attempt_at, id`,
    );
    this.#nextDue = db
      .prepare("SELECT MIN(next_attempt_at) FROM notification_outbox WHERE state = 'pending' AND next_attempt_at > ?")
      .pluck();
    this.#finish = db.prepare(
      `UPDATE notification_outbox SET state = ?, attempts = ?, last_attempt_at = ?, finished_at = ?, last_error = ?
       WHERE id = ? AND state = 'pending'`,
    );
    this.#retry = db.prepare(
      `UPDATE notification_outbox SET attempts = ?, last_attempt_at = ?, next_attempt_at = ?, last_error = ?
       WHERE id = ? AND state = 'pending'`,
    );
    this.#depth = db.prepare("SELECT COUNT(*) FROM notification_outbox WHERE state = 'pending'").pluck();
    this.#byState = db.prepare(
      `SELECT ${COLUMNS} FROM notification_outbox WHERE state = ? ORDER BY COALESCE(finished_at, next_attempt_at) DESC, id DESC LIMIT ?`,
    );
    this.#counts = db.prepare("SELECT state, COUNT(*) AS n FROM notification_outbox GROUP BY state");
    this.#prune = db.prepare("DELETE FROM notification_outbox WHERE state != 'pending' AND finished_at < ?");
  }

  /** A new pending message, due at `dueAt` (the end of its group window). Returns its id. */
  insert(o: { channel: string; route: string | null; groupKey: string; alerts: NotifiedAlert[]; now: number; dueAt: number }): number {
    const info = this.#insert.run(o.channel, o.route, o.groupKey, JSON.stringify(o.alerts), o.alerts.length, o.now, o.dueAt);
    return Number(info.lastInsertRowid);
  }

  /** The pending message of this channel and group whose window is still open (never tried, not yet due). */
  openGroup(channel: string, groupKey: string, now: number): OutboxRow | undefined {
    const raw = this.#openGroup.get(channel, groupKey, now) as RawRow | undefined;
    return raw ? decode(raw) : undefined;
  }

  setAlerts(id: number, alerts: readonly NotifiedAlert[]): void {
    this.#setAlerts.run(JSON.stringify(alerts), alerts.length, id);
  }

  /** For each channel, its longest-waiting pending row that is due at `now`: channels are served one message at a time. */
  dueHeads(now: number): OutboxRow[] {
    return (this.#due.all(now) as RawRow[]).map(decode);
  }

  /** When the next pending row not yet due at `now` falls due; undefined when there is none. */
  nextDueAfter(now: number): number | undefined {
    const at = this.#nextDue.get(now) as number | null;
    return at ?? undefined;
  }

  markDelivered(id: number, attempts: number, now: number): void {
    this.#finish.run("delivered", attempts, now, now, null, id);
  }

  markDead(id: number, attempts: number, reason: string, now: number): void {
    this.#finish.run("dead", attempts, now, now, reason, id);
  }

  markRetry(id: number, attempts: number, nextAttemptAt: number, reason: string, now: number): void {
    this.#retry.run(attempts, now, nextAttemptAt, reason, id);
  }

  /** Messages waiting for delivery: the queue depth the hub's /metrics shows. */
  queueDepth(): number {
    return this.#depth.get() as number;
  }

  /** The newest rows in a state: pending by due time, finished ones by when they finished. */
  list(state: OutboxState, limit: number): OutboxRow[] {
    return (this.#byState.all(state, limit) as RawRow[]).map(decode);
  }

  counts(): Record<OutboxState, number> {
    const out: Record<OutboxState, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of this.#counts.all() as Array<{ state: OutboxState; n: number }>) out[r.state] = r.n;
    return out;
  }

  /** Deletes delivered and dead rows finished before `before`; pending rows are never pruned. */
  prune(before: number): number {
    return this.#prune.run(before).changes;
  }
}

/** The message a row holds, as channels get it. */
export function toNotification(row: OutboxRow): Notification {
  return {
    id: row.id,
    channel: row.channel,
    route: row.route,
    groupKey: row.groupKey,
    alerts: row.alerts,
    test: false,
    createdAt: row.createdAt,
  };
}

function decode(raw: RawRow): OutboxRow {
  return { ...raw, alerts: JSON.parse(raw.alerts) as NotifiedAlert[] };
}
