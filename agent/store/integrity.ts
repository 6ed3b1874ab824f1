import { basename } from "node:path";
import { type Db, DatabaseOpenError, type Migration, openDatabase } from "../../shared/sqlite/open-database.ts";

/**
 * The agent's SQLite page cache, in KiB (better-sqlite3 builds SQLite with 16 MB per connection).
 * The agent's working set is small: appends at the end of time-clustered trees, a few hundred rows of
 * latest values, a short outbox. Measured with a 210 MB history (docs/benchmarks.md): RSS after start
 * 80.2 MB with the 16 MB default, 66.0 MB with 2000 KiB, 63.8 MB with 500 KiB.
 */
export const AGENT_CACHE_KIB = 500;

/**
 * Opens the agent's database and checks it with SQLite's `quick_check` before anything is written to
 * it, so a damaged file (a torn copy, a truncated disk image, a page of garbage) stops the agent at
 * start with a message naming the file and what to do, instead of failing cycle after cycle or being
 * replaced by an empty database. The check costs about 0.9 s per 200 MB on a 2-vCPU VM
 * (docs/benchmarks.md); the agent's database stays well below that by default.
 */
export function openCheckedDatabase(file: string, migrations: readonly Migration[]): Db {
  let db: Db;
  try {
    db = openDatabase(file, migrations);
  } catch (err) {
    const code = String((err as { cause?: { code?: unknown } }).cause?.code ?? "");
    if (err instanceof DatabaseOpenError && /CORRUPT|NOTADB/.test(code)) throw damaged(file, [(err.cause as Error).message]);
    throw err;
  }
  // Before the quick_check, which reads the whole file: with better-sqlite3's 16 MB cache a week's
  // history (up to 200 MB) would leave 16 MB of cached pages in the agent's RSS for good.
  db.pragma(`cache_size = -${AGENT_CACHE_KIB}`);
  let problems: string[];
  try {
    problems = (db.pragma("quick_check(5)") as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (problems.length === 1 && problems[0] === "ok") return db;
  db.close();
  throw damaged(file, problems);
}

function damaged(file: string, problems: string[]): DatabaseOpenError {
  const name = basename(file);
  return new DatabaseOpenError(
    file,
    `the database is damaged (SQLite: ${problems.join("; ").slice(0, 500)}). ` +
      `The agent leaves it as it is. Move it aside (mv ${name} ${name}.damaged, with its -wal and -shm files if present) ` +
      `and start the agent again to begin a new database; the batches it held that were not yet sent are then lost ` +
      `unless a backup is restored.`,
  );
}
