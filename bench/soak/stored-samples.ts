/**
 * What the hub stored for the simulated agents, read from hub.sqlite after the hub has stopped
 * (read-only): sample rows per host and timestamp. Each simulated batch stamps all its samples with
 * its sealedAt, so a timestamp stands for one batch (hub/store: samples keyed (minute, series, offset)).
 */
import Database from "better-sqlite3";
import type { StoredSamples } from "./accounting.ts";

export function readStoredSamples(dbFile: string, hostPrefix: string): StoredSamples {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.host_id AS host, m.minute * 60000 + m.offset_ms AS ts, count(*) AS n
           FROM samples m JOIN series s ON s.id = m.series_id
          WHERE s.host_id >= ? AND s.host_id < ?
          GROUP BY s.host_id, ts`,
      )
      .iterate(hostPrefix, `${hostPrefix}\uffff`) as IterableIterator<{ host: string; ts: number; n: number }>;
    const out: StoredSamples = new Map();
    for (const r of rows) {
      let byTs = out.get(r.host);
      if (!byTs) {
        byTs = new Map();
        out.set(r.host, byTs);
      }
      byTs.set(r.ts, r.n);
    }
    return out;
  } finally {
    db.close();
  }
}
