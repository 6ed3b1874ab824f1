import type { Db } from "../../shared/sqlite/open-database.ts";
import { cachedStatement } from "../../shared/sqlite/statement-cache.ts";
import type { McpCallRecord, McpOutcome } from "./api-schemas.ts";

/** Arguments are kept for the audit, not as a data store: a call's are cut to this many characters. */
export const MAX_AUDITED_ARGUMENT_CHARS = 4096;
/** At most one pruning pass per this interval, done on an insert (no timer of its own). */
const PRUNE_EVERY_MS = 3_600_000;

export interface CallStart {
  client: string;
  kind: "tool" | "resource";
  name: string;
  arguments: unknown;
}

export interface CallEnd {
  outcome: Exclude<McpOutcome, "started">;
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
  pendingId?: string | undefined;
  durationMs: number;
}

interface Row {
  id: number;
  at: number;
  client: string;
  kind: "tool" | "resource";
  name: string;
  arguments: string;
  outcome: McpOutcome;
  code: string | null;
  message: string | null;
  request_id: string | null;
  pending_id: string | null;
  duration_ms: number | null;
}

/**
 * The audit of MCP calls (table mcp_calls): one row per tool call or resource read, written when the
 * call arrives ("started") and completed with its outcome, so a call that never finished still shows.
 */
export class McpAuditStore {
  readonly #db: Db;
  readonly #insert;
  readonly #finish;
  readonly #prune;
  readonly #retentionMs: number;
  readonly #now: () => number;
  #lastPrune = 0;

  constructor(db: Db, o: { retentionMs: number; now: () => number }) {
    this.#db = db;
    this.#retentionMs = o.retentionMs;
    this.#now = o.now;
    this.#insert = db.prepare(
      `INSERT INTO mcp_calls (at, client, kind, name, arguments, outcome) VALUES (@at, @client, @kind, @name, @arguments, 'started')`,
    );
    this.#finish = db.prepare(
      `UPDATE mcp_calls SET outcome = @outcome, code = @code, message = @message, request_id = @requestId,
         pending_id = @pendingId, duration_ms = @durationMs WHERE id = @id`,
    );
    this.#prune = db.prepare("DELETE FROM mcp_calls WHERE at < ?");
  }

  start(call: CallStart): number {
    const at = this.#now();
    if (at - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = at;
      this.#prune.run(at - this.#retentionMs);
    }
    const info = this.#insert.run({
      at,
      client: call.client,
      kind: call.kind,
      name: call.name,
      arguments: auditedArguments(call.arguments),
    });
    return Number(info.lastInsertRowid);
  }

  finish(id: number, end: CallEnd): void {
    this.#finish.run({
      id,
      outcome: end.outcome,
      code: end.code ?? null,
      message: end.message === undefined ? null : end.message.slice(0, 1000),
      requestId: end.requestId ?? null,
      pendingId: end.pendingId ?? null,
      durationMs: end.durationMs,
    });
  }

  /** Newest first. */
  list(o: { client?: string | undefined; limit: number }): McpCallRecord[] {
    const where = o.client === undefined ? "" : "WHERE client = ?";
    const args = o.client === undefined ? [o.limit] : [o.client, o.limit];
    // One of two texts, prepared once each (shared/sqlite/statement-cache.ts says why).
    const rows = cachedStatement(
      this.#db,
      `SELECT id, at, client, kind, name, arguments, outcome, code, message, request_id, pending_id, duration_ms
         FROM mcp_calls ${where} ORDER BY id DESC LIMIT ?`,
    ).all(...args) as Row[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      client: r.client,
      kind: r.kind,
      name: r.name,
      arguments: JSON.parse(r.arguments) as unknown,
      outcome: r.outcome,
      code: r.code,
      message: r.message,
      requestId: r.request_id,
      pendingId: r.pending_id,
      durationMs: r.duration_ms,
    }));
  }
}

/** The arguments as JSON, or a note of their size when they are too long to keep whole. */
function auditedArguments(args: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(args ?? {}) ?? "{}";
  } catch {
    text = JSON.stringify({ unreadable: true });
  }
  if (text.length <= MAX_AUDITED_ARGUMENT_CHARS) return text;
  return JSON.stringify({ truncated: true, chars: text.length, start: text.slice(0, MAX_AUDITED_ARGUMENT_CHARS) });
}
