import { chmodSync, chownSync, constants, copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { renameDurably, syncDirectory } from "./durable-file.ts";
import { DatabaseInUseError, openExclusive } from "./exclusive-access.ts";
import { fileStamp } from "./file-stamp.ts";
import { gunzipFile, isGzipFile } from "./gzip-file.ts";
import { type DatabaseReport, describeSqliteError, inspectDatabase } from "./inspect-database.ts";

/** Why nothing was restored: the command line was wrong (`usage`), or the restore was refused (`refused`). */
export class RestoreError extends Error {
  override readonly name = "RestoreError";
  readonly kind: "usage" | "refused";
  constructor(kind: "usage" | "refused", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export interface RestoreOptions {
  /** The backup file (plain or gzip, told apart by content). */
  backup: string;
  /** The database to replace, e.g. <dataDir>/hub.sqlite. */
  target: string;
  /** The newest schema version this build knows (its migration count). */
  latestVersion: number;
  /** What the database must be: its name in messages ("Vigil hub database") and tables it must have. */
  kind: { name: string; tables: readonly string[] };
  /** Names the program the lock belongs to in the refusal ("stop vigil-hub first"). */
  program: string;
  now?: () => Date;
}

export interface RestoreResult {
  schemaVersion: number;
  latestVersion: number;
  databaseBytes: number;
  /** Where the database that was replaced is kept; undefined when there was none. */
  replacedKeptAt: string | undefined;
  /** Set when the replaced database could not be read: it was moved aside as it was, -wal included. */
  replacedDamaged: string | undefined;
}

/**
 * Replaces a program's database with a backup, refusing anything that would leave it worse off:
 * a backup that is damaged, is not this program's database, or was written by a newer build, and a
 * database that is open in another process (the daemon running). The backup is copied and checked
 * before the live database is touched; the live one is then checkpointed into one self-contained
 * file, kept aside as `<target>.replaced-<UTC time>`, and the checked copy takes its name by an
 * atomic rename, so at every instant the name points at a whole database. An older schema is
 * accepted: the daemon migrates it forward at its next start.
 */
export async function restoreDatabase(o: RestoreOptions): Promise<RestoreResult> {
  if (!existsSync(o.backup)) throw new RestoreError("usage", `${o.backup}: no such file`);
  mkdirSync(dirname(o.target), { recursive: true });
  const staged = `${o.target}.restoring`;
  removeDatabaseFiles(staged);
  try {
    await stage(o.backup, staged);
    const report = inspectDatabase(staged, { integrity: "full", maxProblems: 10 });
    refuseUnfit(report, o);
    takeOwnership(staged, o.target);
    const swapped = swapIn(staged, o);
    return {
      schemaVersion: report.schemaVersion ?? 0,
      latestVersion: o.latestVersion,
      databaseBytes: report.fileBytes,
      ...swapped,
    };
  } finally {
    removeDatabaseFiles(staged);
  }
}

async function stage(backup: string, staged: string): Promise<void> {
  try {
    if (isGzipFile(backup)) await gunzipFile(backup, staged);
    else copyFileSync(backup, staged, constants.COPYFILE_EXCL);
  } catch (err) {
    throw new RestoreError("refused", `cannot read ${backup}: ${(err as Error).message}`, { cause: err });
  }
  // A copy of a WAL-mode file (sqlite3's .backup, a copied hub.sqlite) still says WAL in its header:
  // make it a plain rollback-journal file, so nothing is expected beside it. A file that is not a
  // database fails here and again, reported, in the inspection that follows.
  try {
    const db = new Database(staged, { fileMustExist: true });
    try {
      db.pragma("journal_mode = DELETE");
    } finally {
      db.close();
    }
  } catch {
    // reported by inspectDatabase
  }
}

function refuseUnfit(report: DatabaseReport, o: RestoreOptions): void {
  const refuse = (why: string) => new RestoreError("refused", `refusing to restore ${o.backup}: ${why}; nothing was changed`);
  if (report.problems.length > 0) throw refuse(`the backup is damaged or unreadable: ${report.problems.join("; ")}`);
  const version = report.schemaVersion ?? 0;
  if (version > o.latestVersion) {
    throw refuse(
      `its schema version ${version} is newer than this build understands (${o.latestVersion}); ` +
        `upgrade Vigil to the version that wrote it, or restore a backup taken before the upgrade`,
    );
  }
  const missing = o.kind.tables.filter((t) => !report.tables.includes(t));
  if (version === 0 || missing.length > 0) {
    const found = report.tables.length === 0 ? "no tables" : `tables ${report.tables.slice(0, 6).join(", ")}`;
    throw refuse(`it is not a ${o.kind.name} (schema version ${version}, ${found})`);
  }
}

function swapIn(staged: string, o: RestoreOptions): Pick<RestoreResult, "replacedKeptAt" | "replacedDamaged"> {
  const target = o.target;
  const inUse = () =>
    new RestoreError(
      "refused",
      `refusing to restore: ${target} is open in another process, most likely a running ${o.program}; ` +
        `stop it first (systemctl stop ${o.program}); nothing was changed`,
    );
  if (!existsSync(target)) {
    if (existsSync(`${target}-wal`)) {
      throw new RestoreError(
        "refused",
        `refusing to restore: ${target}-wal exists without ${target} and would be replayed into the restored database; ` +
          `move it away first; nothing was changed`,
      );
    }
    try {
      // link, unlike rename, fails if a daemon created the file meanwhile.
      linkSync(staged, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") throw inUse();
      throw err;
    }
    syncDirectory(dirname(target));
    return { replacedKeptAt: undefined, replacedDamaged: undefined };
  }

  const aside = asideName(target, (o.now ?? (() => new Date()))());
  let lock: Database.Database | undefined;
  let damaged: string | undefined;
  try {
    lock = openExclusive(target);
    // Everything committed goes into the main file, and the WAL is removed, so the replaced database
    // is one file and no stale -wal can be replayed into the restored one.
    lock.pragma("wal_checkpoint(TRUNCATE)");
    lock.pragma("journal_mode = DELETE");
  } catch (err) {
    lock?.close();
    lock = undefined;
    if (err instanceof DatabaseInUseError) throw inUse();
    // The live database cannot be read, which is why one restores. It is moved aside as it is.
    damaged = describeSqliteError(err);
  }
  try {
    if (lock) keepAside(target, aside);
    else {
      renameSync(target, aside);
      if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${aside}-wal`);
    }
    renameDurably(staged, target);
  } finally {
    lock?.close();
  }
  return { replacedKeptAt: aside, replacedDamaged: damaged };
}

/**
 * Gives the restored file the owner and mode of the database it replaces (or, with none, the owner of
 * its directory): restored by root, a root-owned file would stop the daemon, which runs as its own
 * user, from opening it. SQLite does the same for the -wal and -shm files it creates as root.
 */
function takeOwnership(staged: string, target: string): void {
  const reference = existsSync(target) ? statSync(target) : statSync(dirname(target));
  if (reference.isFile()) chmodSync(staged, reference.mode & 0o777);
  if (process.getuid?.() === 0) chownSync(staged, reference.uid, reference.gid);
}

/** A second name for the (locked, checkpointed) live file; a copy where the filesystem has no hard links. */
function keepAside(target: string, aside: string): void {
  try {
    linkSync(target, aside);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw err;
    copyFileSync(target, aside, constants.COPYFILE_EXCL);
  }
}

function asideName(target: string, at: Date): string {
  const base = `${target}.replaced-${fileStamp(at)}`;
  let name = base;
  for (let i = 2; existsSync(name); i++) name = `${base}-${i}`;
  return name;
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
}
