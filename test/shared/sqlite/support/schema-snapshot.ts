import type { Db } from "../../../../shared/sqlite/open-database.ts";

/** Every row of every table, by table name; rows as arrays in the table's column order, sorted. */
export interface TableSnapshot {
  columns: string[];
  rows: unknown[][];
}

/** The user tables of a database and their contents. */
export function snapshotTables(db: Db): Map<string, TableSnapshot> {
  const out = new Map<string, TableSnapshot>();
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    const columns = (db.pragma(`table_info(${quote(table)})`) as Array<{ name: string }>).map((c) => c.name);
    out.set(table, { columns, rows: readRows(db, table, columns) });
  }
  return out;
}

/** The rows of `table`, only the given columns, sorted by all of them (so row order in the file does not matter). */
export function readRows(db: Db, table: string, columns: readonly string[]): unknown[][] {
  const list = columns.map(quote).join(", ");
  return db
    .prepare(`SELECT ${list} FROM ${quote(table)} ORDER BY ${columns.map((_, i) => i + 1).join(", ")}`)
    .raw()
    .all() as unknown[][];
}

/**
 * Runs the seed statements of the tables that exist in `db` (a database at an older schema version)
 * and returns the tables that exist but have no row, seeded or not: data a migration test would not
 * see lost. A seed for a table that comes with a later version is skipped.
 */
export function seedTables(db: Db, seeds: Readonly<Record<string, readonly string[]>>): string[] {
  // In creation order, so a table comes after those its foreign keys refer to.
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
    .pluck()
    .all() as string[];
  for (const table of tables) for (const sql of seeds[table] ?? []) db.exec(sql);
  return tables
    .filter(
      (t) =>
        db
          .prepare(`SELECT COUNT(*) FROM ${quote(t)}`)
          .pluck()
          .get() === 0,
    )
    .sort();
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
