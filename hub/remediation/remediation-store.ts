import type { Db } from "../../shared/sqlite/open-database.ts";
import { cachedStatement } from "../../shared/sqlite/statement-cache.ts";
import type { RemediationEntry } from "./api.ts";

interface Row {
  id: number;
  at: number;
  kind: RemediationEntry["kind"];
  rule: string;
  fingerprint: string;
  host_id: string | null;
  agent_id: string | null;
  action: string;
  params: string;
  status: string | null;
  request_id: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  finished_at: number | null;
  detail: string;
  escalation_fingerprint: string | null;
  resolved_at: number | null;
}

/** What every row names: the alert and the request (or what it would have been). */
export interface EntryFields {
  at: number;
  rule: string;
  fingerprint: string;
  hostId: string | null;
  agentId: string | null;
  action: string;
  params: Record<string, unknown>;
  targetKey: string | null;
  detail: string;
}

/** How a run ended, from the action's audit record. */
export interface RunOutcome {
  status: string;
  requestId: string | null;
  exitCode: number | null;
  durationMs: number | null;
  finishedAt: number;
  detail: string;
}

const COLUMNS = `id, at, kind, rule, fingerprint, host_id, agent_id, action, params, status, request_id, exit_code, duration_ms,
  finished_at, detail, escalation_fingerprint, resolved_at`;

/** The remediation_log table (migration.ts): runs, pauses and escalations; every change is one statement. */
export class RemediationStore {
  readonly #db: Db;
  readonly #insert;
  readonly #finish;
  readonly #runStarts;
  readonly #forAlert;
  readonly #openEscalations;
  readonly #resolve;
  readonly #prune;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO remediation_log (at, kind, rule, fingerprint, host_id, agent_id, action, params, target_key, status, detail,
         escalation_fingerprint)
       VALUES (@at, @kind, @rule, @fingerprint, @hostId, @agentId, @action, @params, @targetKey, @status, @detail, @escalationFingerprint)`,
    );
    this.#finish = db.prepare(
      `UPDATE remediation_log SET status = @status, request_id = @requestId, exit_code = @exitCode, duration_ms = @durationMs,
         finished_at = @finishedAt, detail = @detail WHERE id = @id`,
    );
    this.#runStarts = db.prepare("SELECT at FROM remediation_log WHERE kind = 'run' AND target_key = ? AND at > ? ORDER BY at").pluck();
    this.#forAlert = db.prepare(`SELECT ${COLUMNS} FROM remediation_log WHERE fingerprint = ? AND at >= ? ORDER BY id`);
    this.#openEscalations = db.prepare(
      `SELECT ${COLUMNS} FROM remediation_log WHERE kind = 'gave_up' AND escalation_fingerprint IS NOT NULL AND resolved_at IS NULL
         AND (@fingerprint IS NULL OR fingerprint = @fingerprint) ORDER BY id`,
    );
    this.#resolve = db.prepare("UPDATE remediation_log SET resolved_at = ? WHERE id = ?");
    this.#prune = db.prepare("DELETE FROM remediation_log WHERE at < ? AND NOT (kind = 'gave_up' AND resolved_at IS NULL)");
  }

  /** A run about to be requested, status `running`; returns its id. */
  insertRun(f: EntryFields): number {
    return this.#add("run", f, "running", null);
  }

  finishRun(id: number, o: RunOutcome): void {
    this.#finish.run({ id, ...o });
  }

  insertPaused(f: EntryFields): number {
    return this.#add("paused", f, null, null);
  }

  insertGaveUp(f: EntryFields, escalationFingerprint: string): number {
    return this.#add("gave_up", f, null, escalationFingerprint);
  }

  /** When the runs on a target within the window started, oldest first. */
  runStarts(targetKey: string, since: number): number[] {
    return this.#runStarts.all(targetKey, since) as number[];
  }

  /** An alert's rows since it started firing, oldest first. */
  forAlert(fingerprint: string, since: number): RemediationEntry[] {
    return (this.#forAlert.all(fingerprint, since) as Row[]).map(entryOf);
  }

  /** Escalations sent and not yet resolved, of one alert or of all. */
  openEscalations(fingerprint?: string): RemediationEntry[] {
    return (this.#openEscalations.all({ fingerprint: fingerprint ?? null }) as Row[]).map(entryOf);
  }

  resolveEscalation(id: number, at: number): void {
    this.#resolve.run(at, id);
  }

  /** Runs left `running` by a hub that stopped before their result: their outcome is in the action audit. */
  markInterrupted(now: number): number {
    return this.#db
      .prepare(
        `UPDATE remediation_log SET status = 'interrupted', finished_at = ?,
           detail = 'the hub stopped before the result came; see vigil action log' WHERE kind = 'run' AND status = 'running'`,
      )
      .run(now).changes;
  }

  /** Newest first. */
  list(o: { limit: number; rule?: string | undefined; hostId?: string | undefined }): RemediationEntry[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (o.rule !== undefined) {
      where.push("rule = ?");
      args.push(o.rule);
    }
    if (o.hostId !== undefined) {
      where.push("(host_id = ? OR agent_id = ?)");
      args.push(o.hostId, o.hostId);
    }
    // One of four texts, prepared once each (shared/sqlite/statement-cache.ts says why).
    const sql = `SELECT ${COLUMNS} FROM remediation_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (cachedStatement(this.#db, sql).all(...args, o.limit) as Row[]).map(entryOf);
  }

  /** Deletes rows older than `before` (escalations still open are kept); returns how many. */
  prune(before: number): number {
    return this.#prune.run(before).changes;
  }

  #add(kind: RemediationEntry["kind"], f: EntryFields, status: string | null, escalationFingerprint: string | null): number {
    const info = this.#insert.run({ ...f, kind, params: JSON.stringify(f.params), status, escalationFingerprint });
    return Number(info.lastInsertRowid);
  }
}

function entryOf(r: Row): RemediationEntry {
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    rule: r.rule,
    fingerprint: r.fingerprint,
    hostId: r.host_id,
    agentId: r.agent_id,
    action: r.action,
    params: JSON.parse(r.params) as Record<string, unknown>,
    status: r.status,
    requestId: r.request_id,
    exitCode: r.exit_code,
    durationMs: r.duration_ms,
    finishedAt: r.finished_at,
    detail: r.detail,
    escalationFingerprint: r.escalation_fingerprint,
    resolvedAt: r.resolved_at,
  };
}
