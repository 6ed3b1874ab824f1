import type { Db } from "../../shared/sqlite/open-database.ts";

export interface StorageStats {
  /** Raw samples stored. */
  samples: number;
  /** Bytes of pages per b-tree (tables and indexes), from the dbstat virtual table. */
  bytesByTree: Record<string, number>;
  /** Every page of the database (page_count * page_size), without the WAL. */
  databaseBytes: number;
  /** The samples table's pages per sample: what one more sample costs on disk. */
  rawBytesPerSample: number;
  /** The whole database per sample: series, latest values, rollups and batch ids included. */
  totalBytesPerSample: number;
}

/**
 * Measures how compactly samples are stored. Reads every page (dbstat) and counts every sample,
 * so it takes seconds on a large database: for the benchmark, tests and diagnostics, not a hot path.
 */
export function measureStorage(db: Db): StorageStats {
  const samples = db.prepare("SELECT COUNT(*) FROM samples").pluck().get() as number;
  const rows = db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY name").all() as Array<{
    name: string;
    bytes: number;
  }>;
  const bytesByTree = Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const databaseBytes = (db.pragma("page_count", { simple: true }) as number) * pageSize;
  const perSample = (bytes: number) => (samples === 0 ? Number.NaN : bytes / samples);
  return {
    samples,
    bytesByTree,
    databaseBytes,
    rawBytesPerSample: perSample(bytesByTree.samples ?? 0),
    totalBytesPerSample: perSample(databaseBytes),
  };
}
