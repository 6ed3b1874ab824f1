import { type ChildProcess, fork } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { waitFor } from "../../../support/processes.ts";

/** A WAL-mode database with table t (id, payload) holding `rows` rows of 1 KiB, ids 1..rows. */
export function makeDatabase(file: string, rows: number, opts: { userVersion?: number } = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
  db.prepare(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) INSERT INTO t (id, payload) SELECT i, randomblob(1024) FROM n",
  ).run(rows);
  if (opts.userVersion !== undefined) db.pragma(`user_version = ${opts.userVersion}`);
  db.close();
}

/** The ids in table t, read through a read-only connection. */
export function ids(file: string): number[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT id FROM t ORDER BY id").pluck().all() as number[];
  } finally {
    db.close();
  }
}

/** Overwrites 4 KiB in the middle of the file with garbage: a torn or rotten page. */
export function damagePage(file: string, page: number): void {
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, page * 4096);
  closeSync(fd);
}

export function pageCount(file: string): number {
  return Math.floor(readFileSync(file).length / 4096);
}

/** Starts test/shared/sqlite/support/row-writer.ts in its own process; every one is killed after each test. */
export function useRowWriters() {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGKILL");
          }),
      ),
    );
  });
  return (file: string, mode: "write" | "crash" | "hold", rows?: number) => {
    const child = fork(join(import.meta.dirname, "row-writer.ts"), [file, mode, ...(rows === undefined ? [] : [String(rows)])], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    let committed = 0;
    const commitTimes: number[] = [];
    let holding = false;
    child.on("message", (m: { committed?: number; at?: number; holding?: number }) => {
      if (m.committed !== undefined) committed = m.committed;
      if (m.at !== undefined) commitTimes.push(m.at);
      if (m.holding !== undefined) holding = true;
    });
    const exited = new Promise<number | string>((r) => child.once("exit", (code, signal) => r(code ?? signal ?? -1)));
    return {
      child,
      exited,
      /** The highest id the writer has reported committed. */
      committed: () => committed,
      /** How many of the writer's commits happened within [from, to] (wall clock, ms). */
      commitsBetween: (from: number, to: number) => commitTimes.filter((t) => t >= from && t <= to).length,
      untilHolding: () => waitFor("the writer to open the database", () => holding || undefined),
      untilCommitted: (n: number) => waitFor(`the writer to commit id ${n}`, () => (committed >= n ? committed : undefined)),
    };
  };
}
