import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** One forward-only schema step. `version` counts from 1 with no gaps. */
export interface Migration {
  version: number;
  description: string;
  up(db: Db): void;
}

/** The database cannot be used: corrupt, not a database, newer than this build, or unreadable. */
export class DatabaseOpenError extends Error {
  override readonly name = "DatabaseOpenError";
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode with synchronous=NORMAL and a busy
 * timeout, then applies pending migrations, each in its own transaction, recorded in user_version.
 * A database written by a newer build is refused rather than misread.
 */
export function openDatabase(file: string, migrations: readonly Migration[]): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
  } catch (err) {
    throw new DatabaseOpenError(file, `cannot open the database: ${(err as Error).message}`, { cause: err });
  }
  try {
    migrate(db, migrations, file);
  } catch (err) {
    db.close();
    if (err instanceof DatabaseOpenError) throw err;
    const code = (err as { code?: string }).code ?? "";
    const hint = /CORRUPT|NOTADB/.test(code) ? " (the file is damaged; restore a backup or move it aside to start fresh)" : "";
    throw new DatabaseOpenError(file, `cannot prepare the database: ${(err as Error).message}${hint}`, { cause: err });
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function migrate(db: Db, migrations: readonly Migration[], file: string): void {
  const latest = migrations.length;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not contiguous at ${m.version}`);
  });
  const current = schemaVersion(db);
  if (current > latest) {
    throw new DatabaseOpenError(
      file,
      `schema version ${current} is newer than this build understands (${latest}); upgrade Vigil or restore an older backup`,
    );
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
