import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BackupError, backupDatabase } from "../../../shared/sqlite/backup.ts";
import { inspectDatabase } from "../../../shared/sqlite/inspect-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { damagePage, ids, makeDatabase, pageCount, useRowWriters } from "./support/databases.ts";

const tempDir = useTempDirs();
const startWriter = useRowWriters();

describe("backupDatabase", () => {
  it("copies a database another process keeps writing to, holding every row committed before the backup began", async () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    makeDatabase(live, 20_000); // 20 MiB, so the copy spans many of the writer's commits
    const writer = startWriter(live, "write");
    await writer.untilCommitted(20_500);

    const acknowledged = writer.committed();
    const started = Date.now();
    const result = await backupDatabase(live, join(dir, "copy.sqlite"));
    const ended = Date.now();
    // The writer's reports queue up while the copy holds this event loop; they say when each commit was.
    await writer.untilCommitted(acknowledged + 1000);
    const duringBackup = writer.commitsBetween(started, ended);

    const copied = ids(result.file);
    expect(copied.length).toBeGreaterThanOrEqual(acknowledged);
    // Every id up to the last acknowledged one, with no gap: one consistent snapshot.
    expect(copied.slice(0, acknowledged)).toEqual(Array.from({ length: acknowledged }, (_, i) => i + 1));
    expect(copied.at(-1)).toBe(copied.length);
    expect(duringBackup).toBeGreaterThan(0); // the writer was never blocked for the whole copy
    const report = inspectDatabase(result.file, { integrity: "full" });
    expect(report.problems).toEqual([]);
    expect(result).toMatchObject({ gzip: false, bytes: report.fileBytes, databaseBytes: report.fileBytes });
    // A standalone file: rollback-journal mode, nothing expected beside it.
    const copy = new Database(result.file, { readonly: true });
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    copy.close();
    expect(readdirSync(dir).sort()).toEqual(["copy.sqlite", "live.sqlite", "live.sqlite-shm", "live.sqlite-wal"]);
  });

  it("writes a gzip file when the name ends in .gz, with the schema version of the database", async () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    makeDatabase(live, 2_000, { userVersion: 6 });
    const result = await backupDatabase(live, join(dir, "nightly.sqlite.gz"));

    expect(result.gzip).toBe(true);
    expect(result.schemaVersion).toBe(6);
    const packed = readFileSync(result.file);
    expect([packed[0], packed[1]]).toEqual([0x1f, 0x8b]);
    expect(result.bytes).toBe(packed.length);
    // randomblob does not compress: the sizes differ only by gzip's framing and SQLite's page overhead.
    expect(result.databaseBytes).toBeGreaterThan(2_000 * 1024);
    const unpacked = join(dir, "unpacked.sqlite");
    writeFileSync(unpacked, gunzipSync(packed));
    expect(ids(unpacked)).toHaveLength(2_000);
    expect(readdirSync(dir).filter((n) => n.includes("partial"))).toEqual([]);
  });

  it("refuses to overwrite a file, to read a database that is not there, or to write into a missing directory", async () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    makeDatabase(live, 10);
    writeFileSync(join(dir, "taken.sqlite"), "an earlier backup");

    await expect(backupDatabase(live, join(dir, "taken.sqlite"))).rejects.toThrow(
      `${join(dir, "taken.sqlite")} already exists; choose another name or remove it first`,
    );
    expect(readFileSync(join(dir, "taken.sqlite"), "utf8")).toBe("an earlier backup");
    await expect(backupDatabase(join(dir, "nope.sqlite"), join(dir, "b.sqlite"))).rejects.toThrow(
      `no database at ${join(dir, "nope.sqlite")} (is dataDir right?)`,
    );
    const error = await backupDatabase(live, join(dir, "missing", "b.sqlite")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).kind).toBe("usage");
    expect((error as BackupError).message).toBe(`directory ${join(dir, "missing")} does not exist`);
  });

  it("fails its check on a damaged database and leaves no file behind, not even a partial one", async () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    makeDatabase(live, 200);
    damagePage(live, Math.floor(pageCount(live) / 2));

    const error = await backupDatabase(live, join(dir, "b.sqlite.gz")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).kind).toBe("failed");
    expect((error as BackupError).message).toMatch(
      // Pages are copied as they are, damage included: the check of the copy is what catches it.
      /^the copy of .*live\.sqlite failed its integrity check: .*(Tree \d+ page \d+|malformed|invalid page)/,
    );
    expect(readdirSync(dir).sort()).toEqual(["live.sqlite", "live.sqlite-shm", "live.sqlite-wal"].filter((n) => existsSync(join(dir, n))));
  });

  it("replaces what a backup to the same name left half done when it was killed", async () => {
    const dir = tempDir();
    const live = join(dir, "live.sqlite");
    makeDatabase(live, 10);
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "b.sqlite.gz.partial"), "cut short");
    writeFileSync(join(dir, "out", "b.sqlite.gz.partial.sqlite"), "cut short");

    const result = await backupDatabase(live, join(dir, "out", "b.sqlite.gz"));
    expect(readdirSync(join(dir, "out"))).toEqual(["b.sqlite.gz"]);
    expect(result.bytes).toBe(readFileSync(result.file).length);
  });
});
