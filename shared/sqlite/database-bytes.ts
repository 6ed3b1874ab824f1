import { statSync } from "node:fs";
import type { Db } from "./open-database.ts";
import { cachedStatement } from "./statement-cache.ts";

/**
 * A database's size on disk, for the size gauges of both programs: the main file's pages (what SQLite
 * holds, without the file's free tail) and the write-ahead log, 0 when there is none. Read at each
 * scrape through prepared statements reused across scrapes (db.pragma() prepares anew every call).
 */
export function databaseBytes(db: Db): { main: number; wal: number } {
  const pages = cachedStatement(db, "PRAGMA page_count", { pluck: true }).get() as number;
  const size = cachedStatement(db, "PRAGMA page_size", { pluck: true }).get() as number;
  let wal = 0;
  try {
    if (!db.memory) wal = statSync(`${db.name}-wal`).size;
  } catch {
    // No WAL file at the moment (checkpointed and removed, or never created).
  }
  return { main: pages * size, wal };
}
