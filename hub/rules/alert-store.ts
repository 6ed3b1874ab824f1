import { canonicalLabels } from "../../shared/labels.ts";
import type { AlertSeverity } from "../../shared/protocol/alert.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { cachedStatement } from "../../shared/sqlite/statement-cache.ts";
import type { MuteReason } from "../notify/alert-sink.ts";
import { type AlertPhase, type AlertState, conditionSince } from "./alert-machine.ts";
import type { AlertHistoryEntry, AlertPhaseView, AlertView } from "./alerts-api.ts";

/** An alert as the engine keeps it: identity, machine state and what was last observed. */
export interface StoredAlert {
  fingerprint: string;
  rule: string;
  hostId: string | null;
  labels: Readonly<Record<string, string>>;
  state: AlertState;
  value: number | null;
  threshold: number | null;
  observedState: string | null;
  observedAt: number;
  evaluatedAt: number;
  annotations: Readonly<Record<string, string>>;
  mutedBy: MuteReason | null;
}

export type HistoryRecord = Omit<AlertHistoryEntry, "id">;

export interface AlertFilter {
  states?: readonly AlertPhaseView[];
  hostId?: string;
  rule?: string;
}

export interface HistoryFilter {
  fingerprint?: string;
  hostId?: string;
  rule?: string;
  limit: number;
}

interface AlertRow {
  fingerprint: string;
  rule: string;
  host_id: string | null;
  labels: string;
  phase: AlertPhaseView;
  severity: AlertSeverity | null;
  met_since: string;
  firing_since: number | null;
  last_notified_at: number | null;
  resolved_at: number | null;
  value: number | null;
  threshold: number | null;
  observed_state: string | null;
  observed_at: number;
  evaluated_at: number;
  annotations: string;
  muted_by: string | null;
}

interface HistoryRow {
  id: number;
  at: number;
  fingerprint: string;
  rule: string;
  host_id: string | null;
  labels: string;
  from_phase: AlertPhase;
  to_phase: AlertPhase;
  reason: AlertHistoryEntry["reason"];
  severity: AlertSeverity | null;
  value: number | null;
  threshold: number | null;
  observed_state: string | null;
  notification: "firing" | "resolved" | null;
  muted_by: string | null;
}

/**
 * Alert state and history in the hub's SQLite (tables from alerting-migration.ts). An inactive
 * alert has no row: the table holds pending, firing and recently resolved alerts only, so loading
 * it at start and listing it stay cheap whatever the fleet's size.
 */
export class AlertStore {
  readonly db: Db;
  readonly #upsert;
  readonly #delete;
  readonly #insertHistory;
  readonly #one;
  readonly #pruneHistory;
  readonly #pruneResolved;

  constructor(db: Db) {
    this.db = db;
    this.#upsert = db.prepare(
      `INSERT INTO alerts (fingerprint, rule, host_id, labels, phase, severity, met_since, firing_since, last_notified_at, resolved_at,
         value, threshold, observed_state, observed_at, evaluated_at, annotations, muted_by)
       VALUES (@fingerprint, @rule, @host_id, @labels, @phase, @severity, @met_since, @firing_since, @last_notified_at, @resolved_at,
         @value, @threshold, @observed_state, @observed_at, @evaluated_at, @annotations, @muted_by)
       ON CONFLICT (fingerprint) DO UPDATE SET phase = excluded.phase, severity = excluded.severity, met_since = excluded.met_since,
         firing_since = excluded.firing_since, last_notified_at = excluded.last_notified_at, resolved_at = excluded.resolved_at,
         value = excluded.value, threshold = excluded.threshold, observed_state = excluded.observed_state,
         observed_at = excluded.observed_at, evaluated_at = excluded.evaluated_at, annotations = excluded.annotations,
         muted_by = excluded.muted_by`,
    );
    this.#delete = db.prepare("DELETE FROM alerts WHERE fingerprint = ?");
    this.#insertHistory = db.prepare(
      `INSERT INTO alert_history (at, fingerprint, rule, host_id, labels, from_phase, to_phase, reason, severity, value, threshold,
         observed_state, notification, muted_by)
       VALUES (@at, @fingerprint, @rule, @host_id, @labels, @from_phase, @to_phase, @reason, @severity, @value, @threshold,
         @observed_state, @notification, @muted_by)`,
    );
    this.#one = db.prepare("SELECT * FROM alerts WHERE fingerprint = ?");
    this.#pruneHistory = db.prepare("DELETE FROM alert_history WHERE at < ?");
    this.#pruneResolved = db.prepare("DELETE FROM alerts WHERE phase = 'resolved' AND resolved_at < ?");
  }

  /** Every stored alert, for the engine at start. */
  loadAll(): StoredAlert[] {
    return (this.db.prepare("SELECT * FROM alerts").all() as AlertRow[]).map(fromRow);
  }

  /** Writes an alert's state; an inactive one is deleted. */
  save(a: StoredAlert): void {
    if (a.state.phase === "inactive") {
      this.#delete.run(a.fingerprint);
      return;
    }
    const s = a.state;
    this.#upsert.run({
      fingerprint: a.fingerprint,
      rule: a.rule,
      host_id: a.hostId,
      labels: canonicalLabels(a.labels),
      phase: s.phase,
      severity: s.severity,
      met_since: JSON.stringify(s.metSince),
      firing_since: s.firingSince,
      last_notified_at: s.lastNotifiedAt,
      resolved_at: s.resolvedAt,
      value: a.value,
      threshold: a.threshold,
      observed_state: a.observedState,
      observed_at: a.observedAt,
      evaluated_at: a.evaluatedAt,
      annotations: JSON.stringify(a.annotations),
      muted_by: a.mutedBy === null ? null : JSON.stringify(a.mutedBy),
    });
  }

  remove(fingerprint: string): void {
    this.#delete.run(fingerprint);
  }

  addHistory(h: HistoryRecord): void {
    this.#insertHistory.run({
      at: h.at,
      fingerprint: h.fingerprint,
      rule: h.rule,
      host_id: h.hostId,
      labels: canonicalLabels(h.labels),
      from_phase: h.from,
      to_phase: h.to,
      reason: h.reason,
      severity: h.severity,
      value: h.value,
      threshold: h.threshold,
      observed_state: h.observedState,
      notification: h.notification,
      muted_by: h.mutedBy === null ? null : JSON.stringify(h.mutedBy),
    });
  }

  /** Alerts for the API, firing first, then pending, then resolved; most severe and most recent first within each. */
  list(f: AlertFilter = {}): AlertView[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.states && f.states.length > 0) {
      where.push(`phase IN (${f.states.map(() => "?").join(", ")})`);
      args.push(...f.states);
    }
    if (f.hostId !== undefined) {
      where.push("host_id = ?");
      args.push(f.hostId);
    }
    if (f.rule !== undefined) {
      where.push("rule = ?");
      args.push(f.rule);
    }
    // Cached per shape of filter (at most 16 texts; shared/sqlite/statement-cache.ts says why).
    const rows = cachedStatement(
      this.db,
      `SELECT * FROM alerts ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY CASE phase WHEN 'firing' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
           CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, evaluated_at DESC, fingerprint`,
    ).all(...args) as AlertRow[];
    return rows.map((r) => toView(fromRow(r)));
  }

  get(fingerprint: string): AlertView | undefined {
    const row = this.#one.get(fingerprint) as AlertRow | undefined;
    return row ? toView(fromRow(row)) : undefined;
  }

  /** Transitions, newest first. */
  history(f: HistoryFilter): AlertHistoryEntry[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.fingerprint !== undefined) {
      where.push("fingerprint = ?");
      args.push(f.fingerprint);
    }
    if (f.hostId !== undefined) {
      where.push("host_id = ?");
      args.push(f.hostId);
    }
    if (f.rule !== undefined) {
      where.push("rule = ?");
      args.push(f.rule);
    }
    const rows = cachedStatement(
      this.db,
      `SELECT * FROM alert_history ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id DESC LIMIT ?`,
    ).all(...args, f.limit) as HistoryRow[];
    return rows.map(historyFromRow);
  }

  /** Drops history older than `historyBefore` and resolved alerts resolved before `resolvedBefore`. */
  prune(o: { historyBefore: number; resolvedBefore: number }): { history: number; resolved: number } {
    const history = this.#pruneHistory.run(o.historyBefore).changes;
    const resolved = this.#pruneResolved.run(o.resolvedBefore).changes;
    return { history, resolved };
  }
}

function fromRow(r: AlertRow): StoredAlert {
  return {
    fingerprint: r.fingerprint,
    rule: r.rule,
    hostId: r.host_id,
    labels: JSON.parse(r.labels) as Record<string, string>,
    state: {
      phase: r.phase,
      severity: r.severity,
      metSince: JSON.parse(r.met_since) as AlertState["metSince"],
      firingSince: r.firing_since,
      lastNotifiedAt: r.last_notified_at,
      resolvedAt: r.resolved_at,
    },
    value: r.value,
    threshold: r.threshold,
    observedState: r.observed_state,
    observedAt: r.observed_at,
    evaluatedAt: r.evaluated_at,
    annotations: JSON.parse(r.annotations) as Record<string, string>,
    mutedBy: r.muted_by === null ? null : (JSON.parse(r.muted_by) as MuteReason),
  };
}

export function toView(a: StoredAlert): AlertView {
  return {
    fingerprint: a.fingerprint,
    rule: a.rule,
    state: a.state.phase === "inactive" ? "resolved" : a.state.phase,
    severity: a.state.severity,
    hostId: a.hostId,
    labels: { ...a.labels },
    value: a.value,
    threshold: a.threshold,
    observedState: a.observedState,
    pendingSince: conditionSince(a.state),
    firingSince: a.state.firingSince,
    resolvedAt: a.state.resolvedAt,
    lastNotifiedAt: a.state.lastNotifiedAt,
    observedAt: a.observedAt,
    annotations: { ...a.annotations },
    mutedBy: a.mutedBy,
  };
}

function historyFromRow(r: HistoryRow): AlertHistoryEntry {
  return {
    id: r.id,
    at: r.at,
    fingerprint: r.fingerprint,
    rule: r.rule,
    hostId: r.host_id,
    labels: JSON.parse(r.labels) as Record<string, string>,
    from: r.from_phase,
    to: r.to_phase,
    reason: r.reason,
    severity: r.severity,
    value: r.value,
    threshold: r.threshold,
    observedState: r.observed_state,
    notification: r.notification,
    mutedBy: r.muted_by === null ? null : (JSON.parse(r.muted_by) as MuteReason),
  };
}
