import { statSync } from "node:fs";
import Database from "better-sqlite3";

/** What `check` and `restore` need to know about a database file, read without changing it. */
export interface DatabaseReport {
  file: string;
  /** What SQLite's integrity check found (or why the file could not be read); empty when the database is sound. */
  problems: string[];
  /** `user_version`: the migration step the database is at; undefined when the file cannot be read. */
  schemaVersion: number | undefined;
  /** Names of the tables, for telling a hub database from an agent's. */
  tables: string[];
  pageSize: number;
  pageCount: number;
  /** Pages on the freelist: space a VACUUM would give back to the filesystem. */
  freePages: number;
  fileBytes: number;
  /** The write-ahead log beside the file; 0 when there is none. */
  walBytes: number;
}

export interface InspectOptions {
  /** `full`: integrity_check (also compares indexes with their tables); `quick`: quick_check; `none`: neither. */
  integrity: "full" | "quick" | "none";
  /** Stop after this many problems: a badly damaged file can have millions. */
  maxProblems?: number;
}

/**
 * Reads a database's health through a read-only connection, so checking never migrates, repairs or
 * checkpoints anything, and can run while the daemon writes (WAL readers never block the writer).
 * A file that is not a database, or whose first pages are damaged, is reported as a problem rather
 * than thrown, so one report covers every way a file can be bad. Missing files are the caller's
 * business (fileBytes would be meaningless): this throws when the file does not exist.
 */
export function inspectDatabase(file: string, opts: InspectOptions): DatabaseReport {
  const report: DatabaseReport = {
    file,
    problems: [],
    schemaVersion: undefined,
    tables: [],
    pageSize: 0,
    pageCount: 0,
    freePages: 0,
    fileBytes: statSync(file).size,
    walBytes: sizeOrZero(`${file}-wal`),
  };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    report.schemaVersion = db.pragma("user_version", { simple: true }) as number;
    report.pageSize = db.pragma("page_size", { simple: true }) as number;
    report.pageCount = db.pragma("page_count", { simple: true }) as number;
    report.freePages = db.pragma("freelist_count", { simple: true }) as number;
    report.tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    if (opts.integrity !== "none") report.problems = integrityProblems(db, opts.integrity, opts.maxProblems ?? 20);
  } catch (err) {
    report.problems.push(describeSqliteError(err));
  } finally {
    db?.close();
  }
  return report;
}

/** integrity_check or quick_check; an empty list when SQLite answers "ok". */
export function integrityProblems(db: Database.Database, kind: "full" | "quick", max: number): string[] {
  const pragma = kind === "full" ? "integrity_check" : "quick_check";
  const rows = db.pragma(`${pragma}(${Math.max(1, Math.floor(max))})`, { simple: false }) as Array<Record<string, string>>;
  const found = rows.map((r) => String(Object.values(r)[0]));
  return found.length === 1 && found[0] === "ok" ? [] : found;
}

/** SQLite's error as one line, with a hint for the two codes that mean "this file is damaged". */
export function describeSqliteError(err: unknown): string {
  const code = String((err as { code?: unknown }).code ?? "");
  const message = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB") return `not a SQLite database (${message})`;
  if (code.startsWith("SQLITE_CORRUPT")) return `damaged (${message})`;
  return code ? `${message} (${code})` : message;
}

function sizeOrZero(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
