import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatabaseOpenError, type Migration, openDatabase, schemaVersion } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

const STEPS: Migration[] = [
  { version: 1, description: "notes", up: (db) => db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)") },
  { version: 2, description: "note authors", up: (db) => db.exec("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown'") },
];

describe("openDatabase migrations", () => {
  it("runs only the steps a database has not had, in order, and records each in user_version", () => {
    const file = join(tempDir(), "db.sqlite");
    const v1 = openDatabase(file, STEPS.slice(0, 1));
    v1.exec("INSERT INTO notes (text) VALUES ('kept across the upgrade')");
    v1.close();

    const ran: number[] = [];
    const db = openDatabase(
      file,
      STEPS.map((m) => ({ ...m, up: (d: Parameters<Migration["up"]>[0]) => (ran.push(m.version), m.up(d)) })),
    );
    expect(ran).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT text, author FROM notes").raw().all()).toEqual([["kept across the upgrade", "unknown"]]);
    db.close();
  });

  it("rolls a failing step back whole: the version and the data stay as they were", () => {
    const file = join(tempDir(), "db.sqlite");
    const v1 = openDatabase(file, STEPS.slice(0, 1));
    v1.exec("INSERT INTO notes (text) VALUES ('first'), ('second')");
    v1.close();
    const broken: Migration = {
      version: 2,
      description: "half done, then fails",
      up(db) {
        db.exec("ALTER TABLE notes ADD COLUMN author TEXT");
        db.exec("DELETE FROM notes");
        db.exec("INSERT INTO missing_table VALUES (1)");
      },
    };

    expect(() => openDatabase(file, [STEPS[0] as Migration, broken])).toThrow(
      new DatabaseOpenError(file, "cannot prepare the database: no such table: missing_table"),
    );
    const db = openDatabase(file, STEPS.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT * FROM notes ORDER BY id").raw().all()).toEqual([
      [1, "first"],
      [2, "second"],
    ]);
    db.close();
  });

  it("refuses a database written by a newer build, naming both versions, and leaves it as it is", () => {
    const file = join(tempDir(), "db.sqlite");
    openDatabase(file, STEPS).close();

    expect(() => openDatabase(file, STEPS.slice(0, 1))).toThrow(
      `${file}: schema version 2 is newer than this build understands (1); upgrade Vigil or restore an older backup`,
    );
    const db = openDatabase(file, STEPS);
    expect(schemaVersion(db)).toBe(2);
    db.close();
  });

  it("refuses a migration list with a gap before touching the database", () => {
    const file = join(tempDir(), "db.sqlite");
    expect(() => openDatabase(file, [STEPS[0] as Migration, { ...(STEPS[1] as Migration), version: 3 }])).toThrow(
      "migration list is not contiguous at 3",
    );
    const db = openDatabase(file, []);
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });
});
