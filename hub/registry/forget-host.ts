import type { Db } from "../../shared/sqlite/open-database.ts";

interface Plan {
  /** Tables whose rows belong to a series (`series_id` column): samples, latest values, rollups. */
  bySeries: string[];
  /** Tables that reference the host directly, by column. */
  byHost: Array<{ table: string; column: string }>;
}

/**
 * Deletes a host and everything stored for it, in one transaction: the rows of every table keyed by
 * one of its series (`series_id`), of every table with a foreign key to hosts, its batch ids and
 * finally its row. The tables are found from the schema when called, so data tables added by later
 * migrations (rollups, alert state) are included without a change here.
 */
export function forgetHost(db: Db, hostId: string): boolean {
  const plan = planFor(db);
  return db.transaction(() => {
    for (const table of plan.bySeries) {
      db.prepare(`DELETE FROM ${quote(table)} WHERE series_id IN (SELECT id FROM series WHERE host_id = ?)`).run(hostId);
    }
    for (const { table, column } of plan.byHost) db.prepare(`DELETE FROM ${quote(table)} WHERE ${quote(column)} = ?`).run(hostId);
    db.prepare("DELETE FROM received_batches WHERE agent_id = ?").run(hostId);
    return db.prepare("DELETE FROM hosts WHERE id = ?").run(hostId).changes === 1;
  })();
}

function planFor(db: Db): Plan {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const plan: Plan = { bySeries: [], byHost: [] };
  for (const table of tables) {
    if (table === "hosts" || table === "series") continue;
    const columns = db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(table) as string[];
    const fks = db.prepare('SELECT "from" AS col, "table" AS target FROM pragma_foreign_key_list(?)').all(table) as Array<{
      col: string;
      target: string;
    }>;
    if (columns.includes("series_id")) plan.bySeries.push(table);
    for (const fk of fks) if (fk.target === "hosts") plan.byHost.push({ table, column: fk.col });
  }
  // Series go after the tables keyed by them, and before the host they reference.
  plan.byHost.push({ table: "series", column: "host_id" });
  return plan;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
