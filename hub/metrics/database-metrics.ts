import { Gauge, type Registry } from "prom-client";
import { databaseBytes } from "../../shared/sqlite/database-bytes.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

/** The hub database's size on disk, read at each scrape. */
export function registerDatabaseMetrics(registry: Registry, db: Db): void {
  const registers = [registry];
  new Gauge({
    name: "vigil_hub_db_size_bytes",
    help: "Size of the hub's SQLite database: the main file's pages plus the write-ahead log.",
    registers,
    collect() {
      const { main, wal } = databaseBytes(db);
      this.set(main + wal);
    },
  });
  new Gauge({
    name: "vigil_hub_db_wal_size_bytes",
    help: "Size of the write-ahead log (hub.sqlite-wal): grows between checkpoints, cut back to 64 MB after a RESTART checkpoint.",
    registers,
    collect() {
      this.set(databaseBytes(db).wal);
    },
  });
}
