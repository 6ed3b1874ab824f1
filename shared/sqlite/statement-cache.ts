import type Database from "better-sqlite3";
import type { Db } from "./open-database.ts";

/**
 * What a caller may do with a shared statement: run it with its own values. Modes (`pluck`, `raw`,
 * `expand`, `bind`) are left out because they change the statement for every other caller of the same
 * text; `iterate` is left out because a statement being iterated is busy, and a second caller of the
 * same text (in the loop's body, say) would get "This statement is busy executing a query".
 */
export type CachedStatement = Pick<Database.Statement<unknown[]>, "run" | "get" | "all" | "source" | "reader">;

/**
 * Statements kept per database. The texts come from fixed sets of filter shapes (a few dozen in the
 * whole hub); the bound is there so that a shape built from input (a long `IN (?, ?, ...)`) cannot grow
 * it without end: past it the least recently used statement is dropped, and prepared again if asked for.
 */
export const MAX_CACHED_STATEMENTS = 128;

/**
 * Per database (a WeakMap, so a closed and dropped database takes its statements with it), by mode and
 * SQL text, in order of last use (a Map keeps insertion order, and a hit is moved to the end).
 */
const byDatabase = new WeakMap<Db, Map<string, CachedStatement>>();

/**
 * The statement for `sql` on `db`, prepared on first use and reused after. Why not `db.prepare` per
 * call: each better-sqlite3 statement holds native SQLite memory that V8 does not count, freed only
 * when its small JS wrapper is collected, which on a small heap takes a rare full collection. Prepared
 * per request, statements piled up between collections and the allocator kept the high-water mark:
 * the hub's RSS grew ~3 KiB per GET /api/v1/alerts (bench/hub-alerts-memory.ts). Preparing also costs
 * more CPU than running these queries. `pluck` gives a statement that returns the first column only
 * (kept apart from the plain statement of the same text).
 */
export function cachedStatement(db: Db, sql: string, options: { pluck?: boolean } = {}): CachedStatement {
  let cache = byDatabase.get(db);
  if (cache === undefined) {
    cache = new Map();
    byDatabase.set(db, cache);
  }
  const key = options.pluck === true ? `pluck:${sql}` : `rows:${sql}`;
  let stmt = cache.get(key);
  if (stmt !== undefined) {
    cache.delete(key);
  } else {
    const prepared = db.prepare(sql);
    stmt = options.pluck === true ? prepared.pluck() : prepared;
    if (cache.size >= MAX_CACHED_STATEMENTS) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  }
  cache.set(key, stmt);
  return stmt;
}
