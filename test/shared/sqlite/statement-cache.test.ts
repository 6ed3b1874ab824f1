import { afterEach, describe, expect, it, vi } from "vitest";
import { type Db, openDatabase } from "../../../shared/sqlite/open-database.ts";
import { cachedStatement, MAX_CACHED_STATEMENTS } from "../../../shared/sqlite/statement-cache.ts";

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** A database with two GPUs, named after the host, so two databases answer the same query differently. */
function gpuDb(host: string): Db {
  const db = openDatabase(":memory:", [
    {
      version: 1,
      description: "gpus",
      up: (d) => {
        d.exec("CREATE TABLE gpus (idx INTEGER PRIMARY KEY, host TEXT NOT NULL, temp REAL)");
        d.exec(`INSERT INTO gpus (idx, host, temp) VALUES (0, '${host}', 64), (1, '${host}', 81.5)`);
      },
    },
  ]);
  open.push(db);
  return db;
}

const BY_INDEX = "SELECT idx, host, temp FROM gpus WHERE idx = ?";

describe("cachedStatement", () => {
  it("prepares a text once and binds each call's own values", () => {
    const db = gpuDb("gpu-box");
    const prepare = vi.spyOn(db, "prepare");
    const first = cachedStatement(db, BY_INDEX);
    for (let i = 0; i < 500; i++) {
      expect(cachedStatement(db, BY_INDEX)).toBe(first);
      expect(cachedStatement(db, BY_INDEX).get(i % 2)).toEqual(
        i % 2 === 0 ? { idx: 0, host: "gpu-box", temp: 64 } : { idx: 1, host: "gpu-box", temp: 81.5 },
      );
    }
    expect(cachedStatement(db, BY_INDEX).get(7)).toBeUndefined();
    expect(cachedStatement(db, "UPDATE gpus SET temp = ? WHERE idx = ?").run(90, 1).changes).toBe(1);
    expect(cachedStatement(db, "SELECT temp FROM gpus ORDER BY idx", { pluck: true }).all()).toEqual([64, 90]);
    expect(prepare).toHaveBeenCalledTimes(3);
  });

  it("keeps databases apart: the same text on two databases is two statements, each reading its own", () => {
    const a = gpuDb("gpu-box");
    const b = gpuDb("cpu-box");
    const onA = cachedStatement(a, BY_INDEX);
    const onB = cachedStatement(b, BY_INDEX);
    expect(onB).not.toBe(onA);
    expect(cachedStatement(a, BY_INDEX).get(0)).toEqual({ idx: 0, host: "gpu-box", temp: 64 });
    expect(cachedStatement(b, BY_INDEX).get(0)).toEqual({ idx: 0, host: "cpu-box", temp: 64 });
    expect(cachedStatement(a, BY_INDEX)).toBe(onA);
    expect(cachedStatement(b, BY_INDEX)).toBe(onB);
    // Closing one leaves the other's statements working.
    a.close();
    open.splice(open.indexOf(a), 1);
    expect(() => cachedStatement(a, BY_INDEX).get(0)).toThrow(/not open/);
    expect(cachedStatement(b, BY_INDEX).get(1)).toEqual({ idx: 1, host: "cpu-box", temp: 81.5 });
  });

  it("keeps a plucking statement apart from the plain one of the same text", () => {
    const db = gpuDb("gpu-box");
    const sql = "SELECT host, temp FROM gpus WHERE idx = ?";
    expect(cachedStatement(db, sql, { pluck: true }).get(1)).toBe("gpu-box");
    expect(cachedStatement(db, sql).get(1)).toEqual({ host: "gpu-box", temp: 81.5 });
    expect(cachedStatement(db, sql, { pluck: true }).get(0)).toBe("gpu-box");
    expect(cachedStatement(db, sql).all(0)).toEqual([{ host: "gpu-box", temp: 64 }]);
  });

  it(`holds at most ${MAX_CACHED_STATEMENTS} statements per database, dropping the least recently used`, () => {
    const db = gpuDb("gpu-box");
    // Texts a caller might build from input: an IN list one placeholder longer each time.
    const inList = (n: number) => `SELECT COUNT(*) FROM gpus WHERE idx IN (${Array.from({ length: n }, () => "?").join(", ")})`;
    const prepare = vi.spyOn(db, "prepare");
    for (let n = 1; n <= MAX_CACHED_STATEMENTS; n++) cachedStatement(db, inList(n), { pluck: true });
    expect(prepare).toHaveBeenCalledTimes(MAX_CACHED_STATEMENTS);
    // Using the oldest makes it the most recent, so the next new text pushes out the second oldest instead.
    const oldest = cachedStatement(db, inList(1), { pluck: true });
    const longest = cachedStatement(db, inList(MAX_CACHED_STATEMENTS + 1), { pluck: true });
    expect(longest.get(...Array.from({ length: MAX_CACHED_STATEMENTS + 1 }, (_, i) => i))).toBe(2);
    expect(prepare).toHaveBeenCalledTimes(MAX_CACHED_STATEMENTS + 1);

    prepare.mockClear();
    expect(cachedStatement(db, inList(1), { pluck: true })).toBe(oldest);
    for (let n = 3; n <= MAX_CACHED_STATEMENTS + 1; n++) cachedStatement(db, inList(n), { pluck: true });
    expect(prepare).not.toHaveBeenCalled();
    // The one dropped is prepared again, and answers.
    expect(cachedStatement(db, inList(2), { pluck: true }).get(1, 5)).toBe(1);
    expect(prepare).toHaveBeenCalledTimes(1);
  });
});
