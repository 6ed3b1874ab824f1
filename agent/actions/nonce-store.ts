import type { Db } from "../../shared/sqlite/open-database.ts";

/**
 * The request ids this agent has accepted for checking (table action_nonces), so each signed request
 * is acted on at most once. An id is kept while its request could still pass the expiry check (until
 * its expiry plus the allowed clock skew); after that the expiry check refuses a replay by itself.
 * Kept in SQLite, so a restart does not reopen the window.
 */
export class NonceStore {
  readonly #claim;
  readonly #prune;
  readonly #seen;
  readonly #retainMs: number;

  constructor(db: Db, retainAfterExpiryMs: number) {
    this.#claim = db.prepare("INSERT INTO action_nonces (request_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
    this.#prune = db.prepare("DELETE FROM action_nonces WHERE expires_at < ?");
    this.#seen = db.prepare("SELECT 1 FROM action_nonces WHERE request_id = ?").pluck();
    this.#retainMs = retainAfterExpiryMs;
  }

  /** True the first time a request id is claimed, false for every later claim (a replay). */
  claim(requestId: string, expiresAt: number, now: number): boolean {
    this.#prune.run(now - this.#retainMs);
    return this.#claim.run(requestId, expiresAt).changes === 1;
  }

  /** Whether this request id was claimed (and is still kept), without claiming it. */
  seen(requestId: string): boolean {
    return this.#seen.get(requestId) !== undefined;
  }
}
