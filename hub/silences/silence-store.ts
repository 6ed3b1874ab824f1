import { randomUUID } from "node:crypto";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { SilenceMatchers, SilenceStatus, SilenceView } from "./silences-api.ts";

export interface NewSilence {
  kind: SilenceView["kind"];
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string | null;
}

interface SilenceRow {
  id: string;
  kind: SilenceView["kind"];
  matchers: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string | null;
  created_at: number;
  expired_at: number | null;
}

/** Several silences share a prefix: the caller must give more of the id. */
export class AmbiguousSilenceIdError extends Error {
  override readonly name = "AmbiguousSilenceIdError";
  readonly matches: string[];
  constructor(prefix: string, matches: string[]) {
    super(`"${prefix}" is the start of ${matches.length} silence ids (${matches.join(", ")}): give more of the id`);
    this.matches = matches;
  }
}

/** Silences and maintenance windows in the hub's SQLite (table from rules/alerting-migration.ts). Expired ones are kept, for the record. */
export class SilenceStore {
  readonly #insert;
  readonly #active;
  readonly #byPrefix;
  readonly #expire;
  readonly #all;

  constructor(db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO silences (id, kind, matchers, starts_at, ends_at, comment, created_by, created_at)
       VALUES (@id, @kind, @matchers, @startsAt, @endsAt, @comment, @createdBy, @createdAt)`,
    );
    this.#active = db.prepare(
      "SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY kind = 'maintenance' DESC, ends_at DESC",
    );
    // Ids are UUIDs (hex and '-') and prefixes are checked to be the same, so LIKE sees no wildcard.
    this.#byPrefix = db.prepare("SELECT * FROM silences WHERE id LIKE ? || '%' ORDER BY id LIMIT 5");
    this.#expire = db.prepare("UPDATE silences SET ends_at = ?, expired_at = ? WHERE id = ? AND ends_at > ?");
    this.#all = db.prepare("SELECT * FROM silences ORDER BY starts_at DESC, id");
  }

  create(s: NewSilence, now: number): SilenceView {
    const id = randomUUID();
    this.#insert.run({ ...s, id, matchers: JSON.stringify(s.matchers), createdAt: now });
    return this.#view(this.#byPrefix.get(id) as SilenceRow, now);
  }

  /** Silences in effect at `now`, maintenance windows first. */
  activeAt(now: number): SilenceView[] {
    return (this.#active.all(now, now) as SilenceRow[]).map((r) => this.#view(r, now));
  }

  list(statuses: readonly SilenceStatus[], now: number): SilenceView[] {
    const rows = this.#all.all() as SilenceRow[];
    return rows.map((r) => this.#view(r, now)).filter((s) => statuses.length === 0 || statuses.includes(s.status));
  }

  /** The silence whose id is or starts with `idOrPrefix`; throws AmbiguousSilenceIdError for several. */
  find(idOrPrefix: string, now: number): SilenceView | undefined {
    const rows = this.#byPrefix.all(idOrPrefix) as SilenceRow[];
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return this.#view(exact, now);
    if (rows.length > 1)
      throw new AmbiguousSilenceIdError(
        idOrPrefix,
        rows.map((r) => r.id),
      );
    return rows[0] ? this.#view(rows[0], now) : undefined;
  }

  /** Ends a silence now; one already over is returned unchanged. */
  expire(id: string, now: number): SilenceView | undefined {
    this.#expire.run(now, now, id, now);
    return this.find(id, now);
  }

  #view(r: SilenceRow, now: number): SilenceView {
    const status: SilenceStatus = r.ends_at <= now ? "expired" : r.starts_at > now ? "pending" : "active";
    return {
      id: r.id,
      kind: r.kind,
      matchers: JSON.parse(r.matchers) as SilenceMatchers,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      comment: r.comment,
      createdBy: r.created_by,
      createdAt: r.created_at,
      expiredAt: r.expired_at,
      status,
    };
  }
}
