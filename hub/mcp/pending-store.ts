import { randomBytes } from "node:crypto";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { cachedStatement } from "../../shared/sqlite/statement-cache.ts";
import type { PendingRequest, PendingStatus } from "./api-schemas.ts";

export interface NewPending {
  client: string;
  agentId: string;
  action: string;
  params: Record<string, unknown>;
  reason: string;
  dryRun: boolean;
  createdAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  client: string;
  agent_id: string;
  action: string;
  params: string;
  reason: string;
  dry_run: number;
  created_at: number;
  expires_at: number;
  status: PendingStatus;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  request_id: string | null;
}

const COLUMNS =
  "id, client, agent_id, action, params, reason, dry_run, created_at, expires_at, status, decided_by, decided_at, decision_note, request_id";

/** Crockford's base32 without look-alikes: ids are typed by people (`vigil mcp confirm 7KQ2-M9XD`). */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 8 characters, 40 random bits: enough to never collide among requests alive at once; guessing one gets nothing without an admin token. */
export function newPendingId(): string {
  const bytes = randomBytes(8);
  let id = "";
  for (let i = 0; i < 8; i++) id += ALPHABET[(bytes[i] ?? 0) % 32];
  return `${id.slice(0, 4)}-${id.slice(4)}`;
}

/**
 * Danger actions asked for through MCP (table mcp_pending). A request is decided once: the status
 * moves from 'pending' with one conditional UPDATE, so two people confirming at the same moment
 * cannot both start the action.
 */
export class PendingStore {
  readonly #db: Db;
  readonly #insert;
  readonly #get;
  readonly #expire;
  readonly #decide;
  readonly #setRequest;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO mcp_pending (id, client, agent_id, action, params, reason, dry_run, created_at, expires_at, status)
       VALUES (@id, @client, @agentId, @action, @params, @reason, @dryRun, @createdAt, @expiresAt, 'pending')`,
    );
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM mcp_pending WHERE id = ?`);
    this.#expire = db.prepare(
      "UPDATE mcp_pending SET status = 'expired', decided_at = expires_at WHERE status = 'pending' AND expires_at <= ?",
    );
    this.#decide = db.prepare(
      `UPDATE mcp_pending SET status = @status, decided_by = @by, decided_at = @now, decision_note = @note
       WHERE id = @id AND status = 'pending' AND expires_at > @now`,
    );
    this.#setRequest = db.prepare("UPDATE mcp_pending SET request_id = ? WHERE id = ?");
  }

  create(p: NewPending): PendingRequest {
    const id = newPendingId();
    this.#insert.run({ ...p, id, params: JSON.stringify(p.params), dryRun: p.dryRun ? 1 : 0 });
    return this.get(id, p.createdAt) as PendingRequest;
  }

  /** The request, with its status brought up to date (a pending one past its expiry reads as expired). */
  get(id: string, now: number): PendingRequest | undefined {
    this.#expire.run(now);
    const row = this.#get.get(id.toUpperCase()) as Row | undefined;
    return row ? view(row) : undefined;
  }

  /** Newest first; `status` filters. */
  list(o: { status?: PendingStatus | undefined; limit: number }, now: number): PendingRequest[] {
    this.#expire.run(now);
    const where = o.status === undefined ? "" : "WHERE status = ?";
    const args = o.status === undefined ? [o.limit] : [o.status, o.limit];
    // One of two texts, prepared once each (shared/sqlite/statement-cache.ts says why).
    const rows = cachedStatement(this.#db, `SELECT ${COLUMNS} FROM mcp_pending ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(
      ...args,
    ) as Row[];
    return rows.map(view);
  }

  /** Moves a pending, unexpired request to `status`; false when it was not pending any more (or expired). */
  decide(id: string, status: "confirmed" | "denied", by: string, note: string | undefined, now: number): boolean {
    this.#expire.run(now);
    return this.#decide.run({ id: id.toUpperCase(), status, by, note: note ?? null, now }).changes === 1;
  }

  setRequestId(id: string, requestId: string): void {
    this.#setRequest.run(requestId, id.toUpperCase());
  }
}

function view(r: Row): PendingRequest {
  return {
    id: r.id,
    client: r.client,
    agentId: r.agent_id,
    action: r.action,
    params: JSON.parse(r.params) as Record<string, unknown>,
    reason: r.reason,
    dryRun: r.dry_run === 1,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    requestId: r.request_id,
  };
}
