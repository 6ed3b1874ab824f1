import Database from "better-sqlite3";

/** Another process has the database open: a running daemon, a `check`, a sqlite3 shell. */
export class DatabaseInUseError extends Error {
  override readonly name = "DatabaseInUseError";
  readonly file: string;
  constructor(file: string, options?: { cause?: unknown }) {
    super(`${file} is open in another process`, options);
    this.file = file;
  }
}

/**
 * Opens `file` holding SQLite's exclusive lock on it until the connection is closed, or throws
 * DatabaseInUseError when any other connection has it open.
 *
 * This is how `restore` knows the daemon is not running. The lock is the one SQLite itself relies on:
 * a WAL-mode connection keeps a shared lock on the file from its first read until it closes, so the
 * exclusive lock is refused while the daemon (or anything else) has the database open, whatever
 * address it listens on; the kernel drops the lock when a process dies, even by SIGKILL, so it never
 * goes stale the way a pid file does (and a pid cannot be reused into a false "running"). Held, it
 * also makes a daemon that starts meanwhile fail on "database is locked" instead of opening a file
 * that is about to be replaced. Locks are unreliable on network filesystems, where SQLite should not
 * run anyway.
 */
export function openExclusive(file: string, opts: { waitMs?: number } = {}): Database.Database {
  const db = new Database(file, { fileMustExist: true, timeout: opts.waitMs ?? 1000 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    // An empty write transaction takes the exclusive lock in either journal mode, and exclusive
    // locking mode keeps it after the commit.
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === "SQLITE_BUSY") throw new DatabaseInUseError(file, { cause: err });
    throw err;
  }
}
