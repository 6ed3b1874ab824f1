import type { DatabaseReport } from "../inspect-database.ts";
import { formatBytes, formatSeconds } from "./format-bytes.ts";

/** `problem` fails the check (exit 1); `warn` and `note` are printed for the reader only. */
export type CheckStatus = "ok" | "note" | "warn" | "problem";

export interface CheckLine {
  item: string;
  status: CheckStatus;
  detail: string;
}

export interface CheckInput {
  program: string;
  /** The config file read, or "(defaults)". */
  configSource: string;
  databaseFile: string;
  /** undefined when there is no database file yet. */
  database: DatabaseReport | undefined;
  integrityMs: number;
  /** The newest schema version this build knows. */
  latestVersion: number;
  kind: { name: string; tables: readonly string[] };
  /** Free space on the database's filesystem, for an unprivileged user; undefined when unknown. */
  diskFreeBytes: number | undefined;
}

/**
 * A WAL this large means a long reader (a backup of a big database under heavy ingest, a slow query)
 * held checkpoints back. SQLite reuses the file from its start afterwards but never shrinks it while
 * the database is open; normally it stays near 4 MiB (1,000 pages between automatic checkpoints).
 */
export const LARGE_WAL_BYTES = 256 * 1024 * 1024;

/** The lines of `check`'s report, in order. Pure: the caller reads the files. */
export function checkLines(i: CheckInput): CheckLine[] {
  const lines: CheckLine[] = [{ item: "config", status: "ok", detail: `${i.configSource} is valid` }];
  const db = i.database;
  if (!db) {
    lines.push({
      item: "database",
      status: "note",
      detail: `${i.databaseFile} does not exist yet; ${i.program} creates it at its first start`,
    });
    return lines;
  }
  lines.push({ item: "database", status: "ok", detail: i.databaseFile });
  lines.push(
    db.problems.length === 0
      ? { item: "integrity", status: "ok", detail: `integrity_check found nothing wrong (${formatSeconds(i.integrityMs)})` }
      : { item: "integrity", status: "problem", detail: `${db.problems.join("; ")}; restore a backup (docs/operations.md)` },
  );
  if (db.schemaVersion === undefined) return lines;
  lines.push(schemaLine(db, i));
  const reclaimable = db.freePages * db.pageSize;
  lines.push({
    item: "size",
    status: "ok",
    detail:
      `${formatBytes(db.pageCount * db.pageSize)} (${db.pageCount.toLocaleString("en")} pages of ${formatBytes(db.pageSize)}` +
      `${reclaimable > 0 ? `; ${formatBytes(reclaimable)} free inside, reused before the file grows` : ""})`,
  });
  lines.push(
    db.walBytes > LARGE_WAL_BYTES
      ? {
          item: "wal",
          status: "warn",
          detail: `${formatBytes(db.walBytes)}: a long reader held checkpoints back; the file is reused but only shrinks when ${i.program} restarts`,
        }
      : { item: "wal", status: "ok", detail: db.walBytes === 0 ? "none (checkpointed)" : formatBytes(db.walBytes) },
  );
  if (i.diskFreeBytes !== undefined) {
    lines.push(
      i.diskFreeBytes < db.pageCount * db.pageSize
        ? {
            item: "disk",
            status: "warn",
            detail: `${formatBytes(i.diskFreeBytes)} free beside the database, less than its size: a migration or a restore there may not fit`,
          }
        : { item: "disk", status: "ok", detail: `${formatBytes(i.diskFreeBytes)} free beside the database` },
    );
  }
  return lines;
}

function schemaLine(db: DatabaseReport, i: CheckInput): CheckLine {
  const v = db.schemaVersion ?? 0;
  const missing = i.kind.tables.filter((t) => !db.tables.includes(t));
  if (v === 0 || missing.length > 0) {
    const without = missing.length > 0 ? `without table ${missing.join(", ")}` : "never migrated";
    return { item: "schema", status: "problem", detail: `version ${v}, ${without}: not a ${i.kind.name}` };
  }
  if (v > i.latestVersion) {
    return {
      item: "schema",
      status: "problem",
      detail: `version ${v} is newer than this build understands (${i.latestVersion}): this ${i.program} refuses to start on it; upgrade Vigil`,
    };
  }
  if (v < i.latestVersion) {
    return { item: "schema", status: "note", detail: `version ${v}; this build migrates it to ${i.latestVersion} at its next start` };
  }
  return { item: "schema", status: "ok", detail: `version ${v}, the newest this build knows` };
}

/** The report as text: one aligned line per item, then the verdict. */
export function formatCheck(lines: readonly CheckLine[]): string {
  const width = Math.max(...lines.map((l) => l.item.length));
  const problems = lines.filter((l) => l.status === "problem").length;
  const warnings = lines.filter((l) => l.status === "warn").length;
  const body = lines.map((l) => `${l.item.padEnd(width)}  ${(l.status === "problem" ? "PROBLEM" : l.status).padEnd(7)}  ${l.detail}`);
  const verdict =
    problems > 0
      ? `result: ${problems} problem${problems === 1 ? "" : "s"}`
      : `result: ok${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}`;
  return `${body.join("\n")}\n${verdict}\n`;
}
