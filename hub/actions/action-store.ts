import type { ActionRecord, ActionRecordStatus } from "../../shared/actions/api.ts";
import type { ActionResult } from "../../shared/protocol/action.ts";
import type { Envelope } from "../../shared/protocol/envelope.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { cachedStatement } from "../../shared/sqlite/statement-cache.ts";

interface Row {
  id: number;
  request_id: string;
  agent_id: string;
  action: string;
  params: string;
  reason: string | null;
  confirm: number;
  dry_run: number;
  initiator: string;
  role: string;
  issued_at: number;
  expires_at: number;
  status: ActionRecordStatus;
  refused_by: "hub" | "agent" | null;
  refusal_code: string | null;
  refusal_message: string | null;
  argv: string | null;
  exit_code: number | null;
  stdout: string | null;
  stderr: string | null;
  output_truncated: number;
  started_at: number | null;
  duration_ms: number | null;
  delivered_at: number | null;
  confirmed_at: number | null;
  deliveries: number;
  finished_at: number | null;
  note: string | null;
  envelope: string | null;
}

/** The request fields of a row. */
export interface RequestFields {
  requestId: string;
  agentId: string;
  action: string;
  params: Record<string, unknown>;
  reason?: string | undefined;
  confirm: boolean;
  dryRun: boolean;
  initiator: string;
  role: string;
  issuedAt: number;
  expiresAt: number;
}

const COLUMNS = `id, request_id, agent_id, action, params, reason, confirm, dry_run, initiator, role, issued_at, expires_at,
  status, refused_by, refusal_code, refusal_message, argv, exit_code, stdout, stderr, output_truncated, started_at,
  duration_ms, delivered_at, confirmed_at, deliveries, finished_at, note`;

/**
 * The hub's action requests (table action_requests): the queue of signed requests per agent and the
 * audit of everything issued, refused and reported. Each change of state is one statement or one
 * transaction, so two polls at the same moment never take one request. Handing requests to polls
 * and learning they arrived is ActionDelivery's (action-delivery.ts), over the same table.
 */
export class ActionStore {
  readonly #db: Db;
  readonly #insert;
  readonly #byId;
  readonly #latestByRequestId;
  readonly #firstByRequestId;
  readonly #complete;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO action_requests (request_id, agent_id, action, params, reason, confirm, dry_run, initiator, role, issued_at,
         expires_at, status, refused_by, refusal_code, refusal_message, note, envelope, finished_at)
       VALUES (@requestId, @agentId, @action, @params, @reason, @confirm, @dryRun, @initiator, @role, @issuedAt,
         @expiresAt, @status, @refusedBy, @refusalCode, @refusalMessage, @note, @envelope, @finishedAt)`,
    );
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM action_requests WHERE id = ?`);
    this.#latestByRequestId = db.prepare(`SELECT ${COLUMNS} FROM action_requests WHERE request_id = ? ORDER BY id DESC LIMIT 1`);
    // The row the request was issued with; later rows hold further results (replays) for it.
    this.#firstByRequestId = db.prepare(`SELECT ${COLUMNS} FROM action_requests WHERE request_id = ? ORDER BY id LIMIT 1`);
    this.#complete = db.prepare(
      `UPDATE action_requests SET status = @status, refused_by = @refusedBy, refusal_code = @refusalCode,
         refusal_message = @refusalMessage, argv = @argv, exit_code = @exitCode, stdout = @stdout, stderr = @stderr,
         output_truncated = @outputTruncated, started_at = @startedAt, duration_ms = @durationMs, finished_at = @now,
         confirmed_at = COALESCE(confirmed_at, CASE WHEN delivered_at IS NULL THEN NULL ELSE @now END), envelope = NULL
       WHERE id = @id`,
    );
  }

  /** A signed request, queued for its agent. */
  queue(envelope: Envelope<"action_request">): number {
    const r = envelope.payload;
    return this.#row(
      { ...r, role: r.role ?? "operator" },
      {
        status: "queued",
        refusedBy: null,
        refusalCode: null,
        refusalMessage: null,
        note: null,
        envelope: JSON.stringify(envelope),
        finishedAt: null,
      },
    );
  }

  /** A request the hub itself refused (nothing was signed or sent). */
  refuse(fields: RequestFields, refusal: { code: string; message: string }, now: number): number {
    return this.#row(fields, {
      status: "refused",
      refusedBy: "hub",
      refusalCode: refusal.code,
      refusalMessage: refusal.message,
      note: null,
      envelope: null,
      finishedAt: now,
    });
  }

  /**
   * Records an agent's result. The open row of the request (queued, delivered, confirmed, or expired
   * by the hub for want of a confirmation that was lost) is completed; the same result sent again
   * (the agent re-sending what it had after a redelivery) changes nothing. A result for a request
   * already finished, or unknown to this hub, gets a row of its own, and so does a replay the agent
   * refused, even while the request is open: that refusal is about the copy, and must not stand in
   * for the outcome of the request itself. Returns the row id.
   */
  recordResult(result: ActionResult, now: number): number {
    return this.#db.transaction(() => {
      const open = this.#firstByRequestId.get(result.requestId) as Row | undefined;
      if (open && sameOutcome(open, result)) return open.id;
      const outcome = {
        status: result.status,
        refusedBy: result.status === "refused" ? "agent" : null,
        refusalCode: result.refusal?.code ?? null,
        refusalMessage: result.refusal?.message ?? null,
        argv: JSON.stringify(result.argv),
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        outputTruncated: result.outputTruncated ? 1 : 0,
        startedAt: result.startedAt,
        durationMs: result.durationMs,
        now,
      };
      if (open && isOpen(open) && result.refusal?.code !== "REQUEST_REPLAYED") {
        this.#complete.run({ id: open.id, ...outcome });
        return open.id;
      }
      const fields: RequestFields = open
        ? { ...recordOf(open), reason: open.reason ?? undefined }
        : {
            requestId: result.requestId,
            agentId: result.agentId,
            action: result.action,
            params: {},
            confirm: false,
            dryRun: false,
            initiator: "unknown",
            role: "unknown",
            issuedAt: now,
            expiresAt: now,
          };
      const note = open
        ? `another result for request ${result.requestId} (row ${open.id}): the agent received it again`
        : "a result for a request this hub has no record of";
      const id = this.#row(fields, {
        status: result.status,
        refusedBy: null,
        refusalCode: null,
        refusalMessage: null,
        note,
        envelope: null,
        finishedAt: now,
      });
      this.#complete.run({ id, ...outcome });
      return id;
    })();
  }

  get(id: number): ActionRecord | undefined {
    const row = this.#byId.get(id) as Row | undefined;
    return row ? recordOf(row) : undefined;
  }

  latest(requestId: string): ActionRecord | undefined {
    const row = this.#latestByRequestId.get(requestId) as Row | undefined;
    return row ? recordOf(row) : undefined;
  }

  /** Newest first, optionally for one agent or one request. */
  list(o: { agentId?: string | undefined; requestId?: string | undefined; limit: number }): ActionRecord[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (o.agentId !== undefined) {
      where.push("agent_id = ?");
      args.push(o.agentId);
    }
    if (o.requestId !== undefined) {
      where.push("request_id = ?");
      args.push(o.requestId);
    }
    // One of four texts, prepared once each (shared/sqlite/statement-cache.ts says why).
    const sql = `SELECT ${COLUMNS} FROM action_requests ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (cachedStatement(this.#db, sql).all(...args, o.limit) as Row[]).map(recordOf);
  }

  #row(
    f: RequestFields,
    s: {
      status: string;
      refusedBy: string | null;
      refusalCode: string | null;
      refusalMessage: string | null;
      note: string | null;
      envelope: string | null;
      finishedAt: number | null;
    },
  ): number {
    const info = this.#insert.run({
      requestId: f.requestId,
      agentId: f.agentId,
      action: f.action,
      params: JSON.stringify(f.params),
      reason: f.reason ?? null,
      confirm: f.confirm ? 1 : 0,
      dryRun: f.dryRun ? 1 : 0,
      initiator: f.initiator,
      role: f.role,
      issuedAt: f.issuedAt,
      expiresAt: f.expiresAt,
      ...s,
    });
    return Number(info.lastInsertRowid);
  }
}

function recordOf(r: Row): ActionRecord {
  return {
    id: r.id,
    requestId: r.request_id,
    agentId: r.agent_id,
    action: r.action,
    params: JSON.parse(r.params) as Record<string, unknown>,
    reason: r.reason,
    confirm: r.confirm === 1,
    dryRun: r.dry_run === 1,
    initiator: r.initiator,
    role: r.role,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    status: r.status,
    refusedBy: r.refused_by,
    refusal: r.refusal_code === null ? null : { code: r.refusal_code, message: r.refusal_message ?? "" },
    argv: r.argv === null ? [] : (JSON.parse(r.argv) as string[]),
    exitCode: r.exit_code,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    outputTruncated: r.output_truncated === 1,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    deliveredAt: r.delivered_at,
    confirmedAt: r.confirmed_at,
    deliveries: r.deliveries,
    finishedAt: r.finished_at,
    note: r.note,
  };
}

/** A row still waiting for its agent's result. */
function isOpen(r: Row): boolean {
  if (r.status === "queued" || r.status === "delivered" || r.status === "confirmed") return true;
  // Expired by the hub after it was handed over unconfirmed: the ack was lost, the request was not.
  return r.status === "expired" && r.refused_by === "hub" && r.delivered_at !== null;
}

/** The row already holds exactly this result from the agent. */
function sameOutcome(r: Row, result: ActionResult): boolean {
  return (
    r.status === result.status &&
    r.refused_by !== "hub" &&
    r.started_at === result.startedAt &&
    r.duration_ms === result.durationMs &&
    r.exit_code === result.exitCode &&
    r.refusal_code === (result.refusal?.code ?? null)
  );
}
