import type { Db } from "../../shared/sqlite/open-database.ts";
import type { Refusal } from "./refusal.ts";

/** Who asked for what, as far as the request tells (also for requests refused before they could be read). */
export interface AuditRequest {
  requestId: string;
  action: string;
  params: Record<string, unknown>;
  initiator: string;
  role: string | null;
  reason: string | null;
  confirm: boolean;
  dryRun: boolean;
  issuedAt: number | null;
  expiresAt: number | null;
}

export interface AuditOutcome {
  status: "succeeded" | "failed" | "timed_out";
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  startedAt: number;
  durationMs: number;
}

/** The audit row of a request as this agent first took it in (after its signature and expiry checks). */
export interface AcceptedRow {
  action: string;
  status: string;
  argv: string | null;
  exitCode: number | null;
  stdout: string | null;
  stderr: string | null;
  outputTruncated: number;
  requestedAt: number;
  startedAt: number | null;
  durationMs: number | null;
  refusalCode: string | null;
  refusalMessage: string | null;
}

const EXCERPT_CHARS = 500;

/**
 * The agent's action audit (table action_audit): one row per request received, accepted or refused,
 * written before anything runs and completed when it ends. Never pruned automatically.
 */
export class ActionAudit {
  readonly #insert;
  readonly #update;
  readonly #start;
  readonly #refuseAccepted;
  readonly #firstAccepted;

  constructor(db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO action_audit (request_id, action, params, initiator, role, reason, confirm, dry_run, issued_at, expires_at,
         requested_at, status, risk, target, argv, refusal_code, refusal_message, finished_at)
       VALUES (@requestId, @action, @params, @initiator, @role, @reason, @confirm, @dryRun, @issuedAt, @expiresAt,
         @now, @status, @risk, @target, @argv, @refusalCode, @refusalMessage, @finishedAt)`,
    );
    this.#start = db.prepare("UPDATE action_audit SET status = 'running', started_at = ? WHERE id = ?");
    this.#refuseAccepted = db.prepare(
      "UPDATE action_audit SET status = 'refused', refusal_code = ?, refusal_message = ?, finished_at = ? WHERE id = ?",
    );
    // Rows refused before the signature and expiry checks passed have no issued_at (anyone can send
    // those, with any id); a refused replay is a later row about a copy, not the request.
    this.#firstAccepted = db.prepare(
      `SELECT action, status, argv, exit_code AS exitCode, stdout, stderr, output_truncated AS outputTruncated,
         requested_at AS requestedAt, started_at AS startedAt, duration_ms AS durationMs,
         refusal_code AS refusalCode, refusal_message AS refusalMessage
       FROM action_audit
       WHERE request_id = ? AND issued_at IS NOT NULL AND (refusal_code IS NULL OR refusal_code != 'REQUEST_REPLAYED')
       ORDER BY id LIMIT 1`,
    );
    this.#update = db.prepare(
      `UPDATE action_audit SET status = @status, exit_code = @exitCode, stdout = @stdout, stderr = @stderr,
         output_truncated = @outputTruncated, started_at = @startedAt, duration_ms = @durationMs, finished_at = @finishedAt,
         output_excerpt = @excerpt
       WHERE id = @id`,
    );
  }

  /** A refused request, complete in one row. */
  refused(req: AuditRequest, refusal: Refusal, now: number, run?: { risk: string; target: string; argv: string[] }): number {
    return this.#row(req, now, { status: "refused", refusal, finishedAt: now, ...run });
  }

  /** A dry run: what would have run. */
  dryRun(req: AuditRequest, now: number, run: { risk: string; target: string; argv: string[] }): number {
    return this.#row(req, now, { status: "dry_run", finishedAt: now, ...run });
  }

  /** An accepted request waiting for its target; `started` and `finished` complete the row. */
  accepted(req: AuditRequest, now: number, run: { risk: string; target: string; argv: string[] }): number {
    return this.#row(req, now, { status: "queued", ...run });
  }

  /** An accepted request turned away after all (its target's queue was full). */
  finishedRefused(id: number, refusal: Refusal, now: number): void {
    this.#refuseAccepted.run(refusal.code, refusal.message, now, id);
  }

  started(id: number, now: number): void {
    this.#start.run(now, id);
  }

  finished(id: number, outcome: AuditOutcome, now: number): void {
    const excerpt = (outcome.stderr.trim() || outcome.stdout.trim()).slice(0, EXCERPT_CHARS);
    this.#update.run({ id, ...outcome, outputTruncated: outcome.outputTruncated ? 1 : 0, finishedAt: now, excerpt });
  }

  /** The row of `requestId` as it was first taken in, if this agent took it in. */
  firstAccepted(requestId: string): AcceptedRow | undefined {
    return this.#firstAccepted.get(requestId) as AcceptedRow | undefined;
  }

  #row(
    req: AuditRequest,
    now: number,
    o: { status: string; refusal?: Refusal; finishedAt?: number; risk?: string; target?: string; argv?: string[] },
  ): number {
    const info = this.#insert.run({
      requestId: req.requestId,
      action: req.action,
      params: safeJson(req.params),
      initiator: req.initiator,
      role: req.role,
      reason: req.reason,
      confirm: req.confirm ? 1 : 0,
      dryRun: req.dryRun ? 1 : 0,
      issuedAt: req.issuedAt,
      expiresAt: req.expiresAt,
      now,
      status: o.status,
      risk: o.risk ?? null,
      target: o.target ?? null,
      argv: o.argv ? JSON.stringify(o.argv) : null,
      refusalCode: o.refusal?.code ?? null,
      refusalMessage: o.refusal?.message ?? null,
      finishedAt: o.finishedAt ?? null,
    });
    return Number(info.lastInsertRowid);
  }
}

/** Parameters as JSON text; anything that cannot be serialised is recorded as such rather than lost with the row. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "{}";
  } catch {
    return JSON.stringify({ unreadable: true });
  }
}
