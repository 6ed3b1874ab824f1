import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { inspectDatabase } from "../../../shared/sqlite/inspect-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { damagePage, makeDatabase, pageCount } from "./support/databases.ts";

const tempDir = useTempDirs();

describe("inspectDatabase", () => {
  it("reports a sound database: schema version, tables, pages, free pages and the write-ahead log", () => {
    const file = join(tempDir(), "db.sqlite");
    makeDatabase(file, 300, { userVersion: 4 });
    const writer = new Database(file);
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec("DELETE FROM t WHERE id > 100"); // frees pages, and stays in the log until a checkpoint

    const report = inspectDatabase(file, { integrity: "full" });
    expect(report).toMatchObject({ file, problems: [], schemaVersion: 4, tables: ["t"], pageSize: 4096 });
    expect(report.freePages).toBeGreaterThan(50);
    expect(report.pageCount).toBeGreaterThan(report.freePages);
    expect(report.walBytes).toBeGreaterThan(0);
    writer.close();
  });

  it("names what integrity_check finds in a damaged database, stopping at maxProblems", () => {
    const file = join(tempDir(), "db.sqlite");
    makeDatabase(file, 300);
    damagePage(file, Math.floor(pageCount(file) / 2));

    const report = inspectDatabase(file, { integrity: "full", maxProblems: 3 });
    expect(report.schemaVersion).toBe(0);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.length).toBeLessThanOrEqual(3);
    expect(report.problems.join("\n")).toMatch(/Tree \d+ page \d+|malformed|invalid page/i);
  });

  it("reports a file that is not a database instead of throwing", () => {
    const file = join(tempDir(), "notes.sqlite");
    writeFileSync(file, "these are someone's notes, long enough to be mistaken for a header ".repeat(100));

    const report = inspectDatabase(file, { integrity: "quick" });
    expect(report.problems).toEqual(["not a SQLite database (file is not a database)"]);
    expect(report.schemaVersion).toBeUndefined();
    expect(report.fileBytes).toBe(6700);
  });
});
