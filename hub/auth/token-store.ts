import type { Db } from "../../shared/sqlite/open-database.ts";
import { hashToken, newAgentToken, sameDigest } from "./tokens.ts";

export type TokenIssuer = "admin" | "enrollment";

/** An issued token as listed: never the token itself, which exists only in the answer that issued it. */
export interface IssuedToken {
  agentId: string;
  issuedBy: TokenIssuer;
  hostname: string | null;
  issuedAt: number;
}

/** The agent id already holds a token. */
export class TokenConflictError extends Error {
  override readonly name = "TokenConflictError";
  readonly agentId: string;
  constructor(agentId: string) {
    super(`agent "${agentId}" already holds a token`);
    this.agentId = agentId;
  }
}

/**
 * Agent tokens the hub issued, in the hub's database (table agent_tokens, migration 3), on the same
 * handle as the rest of the store. Only digests are kept (see tokens.ts); one token per agent id.
 */
export class TokenStore {
  readonly #insert;
  readonly #byDigest;
  readonly #byAgent;
  readonly #delete;
  readonly #count;
  readonly #list;

  constructor(db: Db) {
    this.#insert = db.prepare(
      "INSERT OR IGNORE INTO agent_tokens (agent_id, token_sha256, issued_by, hostname, issued_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.#byDigest = db.prepare("SELECT agent_id AS agentId, token_sha256 AS digest FROM agent_tokens WHERE token_sha256 = ?");
    this.#byAgent = db.prepare("SELECT 1 FROM agent_tokens WHERE agent_id = ?").pluck();
    this.#delete = db.prepare("DELETE FROM agent_tokens WHERE agent_id = ?");
    this.#count = db.prepare("SELECT COUNT(*) FROM agent_tokens").pluck();
    this.#list = db.prepare(
      "SELECT agent_id AS agentId, issued_by AS issuedBy, hostname, issued_at AS issuedAt FROM agent_tokens ORDER BY agent_id",
    );
  }

  /** Creates and stores a new token for `agentId`, returning it in clear this once; TokenConflictError if it holds one. */
  issue(agentId: string, o: { issuedBy: TokenIssuer; hostname?: string | undefined; now: number }): string {
    const token = newAgentToken();
    const inserted = this.#insert.run(agentId, hashToken(token), o.issuedBy, o.hostname ?? null, o.now).changes === 1;
    if (!inserted) throw new TokenConflictError(agentId);
    return token;
  }

  /**
   * The agent id a presented token belongs to. The lookup is by digest: a timing difference in the
   * index search could only reveal digest bytes of the attacker's own guess, never a stored token.
   */
  agentFor(token: string): string | undefined {
    const digest = hashToken(token);
    const row = this.#byDigest.get(digest) as { agentId: string; digest: string } | undefined;
    return row && sameDigest(row.digest, digest) ? row.agentId : undefined;
  }

  has(agentId: string): boolean {
    return this.#byAgent.get(agentId) !== undefined;
  }

  /** Revokes the agent's token; false when it held none. */
  revoke(agentId: string): boolean {
    return this.#delete.run(agentId).changes === 1;
  }

  count(): number {
    return this.#count.get() as number;
  }

  list(): IssuedToken[] {
    return this.#list.all() as IssuedToken[];
  }
}
