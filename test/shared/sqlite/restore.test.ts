import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { backupDatabase } from "../../../shared/sqlite/backup.ts";
import { RestoreError, type RestoreOptions, restoreDatabase } from "../../../shared/sqlite/restore.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { damagePage, ids, makeDatabase, pageCount, useRowWriters } from "./support/databases.ts";

const tempDir = useTempDirs();
const startWriter = useRowWriters();
const AT = new Date("2026-09-21T23:00:05Z");

function options(dir: string, backup: string, extra: Partial<RestoreOptions> = {}): RestoreOptions {
  return {
    backup,
    target: join(dir, "data", "live.sqlite"),
    latestVersion: 6,
    kind: { name: "test database", tables: ["t"] },
    program: "vigil-test",
    now: () => AT,
    ...extra,
  };
}

/** A gzip backup of a database of `rows` rows at schema version `version`. */
async function backupOf(dir: string, name: string, rows: number, version: number): Promise<string> {
  makeDatabase(join(dir, `${name}.src`), rows, { userVersion: version });
  return (await backupDatabase(join(dir, `${name}.src`), join(dir, `${name}.sqlite.gz`))).file;
}

describe("restoreDatabase", () => {
  it("replaces the database and keeps the replaced one aside whole, rows of its write-ahead log included", async () => {
    const dir = tempDir();
    const o = options(dir, await backupOf(dir, "backup", 50, 5));
    makeDatabase(o.target, 10);
    // The daemon died after committing 25 rows that never left the write-ahead log.
    const crashed = startWriter(o.target, "crash", 25);
    expect(await crashed.exited).toBe("SIGKILL");
    expect(readFileSync(`${o.target}-wal`).length).toBeGreaterThan(25 * 200);

    const result = await restoreDatabase(o);
    const aside = `${o.target}.replaced-20260921T230005Z`;
    expect(result).toMatchObject({ schemaVersion: 5, latestVersion: 6, replacedKeptAt: aside, replacedDamaged: undefined });
    expect(ids(o.target)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(ids(aside)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    // No log of the old database is left to be replayed into the new one, and no staging file.
    expect(readdirSync(join(dir, "data")).filter((n) => n.endsWith("-wal") || n.includes("restoring"))).toEqual([]);
  });

  it("refuses while another process has the database open, changing nothing", async () => {
    const dir = tempDir();
    const o = options(dir, await backupOf(dir, "backup", 50, 6));
    makeDatabase(o.target, 10);
    const daemon = startWriter(o.target, "hold");
    await daemon.untilHolding();

    const error = await restoreDatabase(o).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreError);
    expect((error as RestoreError).kind).toBe("refused");
    expect((error as RestoreError).message).toBe(
      `refusing to restore: ${o.target} is open in another process, most likely a running vigil-test; ` +
        "stop it first (systemctl stop vigil-test); nothing was changed",
    );
    expect(ids(o.target)).toHaveLength(10);
    expect(readdirSync(join(dir, "data")).sort()).toEqual(["live.sqlite", "live.sqlite-shm", "live.sqlite-wal"]);

    daemon.child.kill("SIGKILL");
    await daemon.exited;
    await expect(restoreDatabase(o)).resolves.toMatchObject({ schemaVersion: 6 });
    expect(ids(o.target)).toHaveLength(50);
  });

  it("refuses a damaged backup, a newer schema, another program's database and a file that is no database", async () => {
    const dir = tempDir();
    makeDatabase(join(dir, "damaged.sqlite"), 300, { userVersion: 3 });
    damagePage(join(dir, "damaged.sqlite"), Math.floor(pageCount(join(dir, "damaged.sqlite")) / 2));
    const newer = await backupOf(dir, "newer", 5, 7);
    makeDatabase(join(dir, "agent.sqlite"), 5, { userVersion: 3 });
    const agent = join(dir, "agent.sqlite");
    writeFileSync(join(dir, "notes.gz"), gzipSync("not a database at all ".repeat(300)));
    const target = join(dir, "data", "live.sqlite");
    makeDatabase(target, 10);

    const refusal = async (backup: string, extra: Partial<RestoreOptions> = {}) => {
      const error = await restoreDatabase(options(dir, backup, extra)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RestoreError);
      expect((error as RestoreError).kind).toBe("refused");
      return (error as RestoreError).message;
    };
    expect(await refusal(join(dir, "damaged.sqlite"))).toMatch(
      new RegExp(`^refusing to restore ${join(dir, "damaged.sqlite")}: the backup is damaged or unreadable: .+; nothing was changed$`),
    );
    expect(await refusal(newer)).toBe(
      `refusing to restore ${newer}: its schema version 7 is newer than this build understands (6); ` +
        "upgrade Vigil to the version that wrote it, or restore a backup taken before the upgrade; nothing was changed",
    );
    expect(await refusal(agent, { kind: { name: "Vigil hub database", tables: ["hosts", "received_batches"] } })).toBe(
      `refusing to restore ${agent}: it is not a Vigil hub database (schema version 3, tables t); nothing was changed`,
    );
    expect(await refusal(join(dir, "notes.gz"))).toBe(
      `refusing to restore ${join(dir, "notes.gz")}: the backup is damaged or unreadable: not a SQLite database (file is not a database); nothing was changed`,
    );
    expect(ids(target)).toHaveLength(10);
    expect(readdirSync(join(dir, "data")).filter((n) => n.includes("replaced") || n.includes("restoring"))).toEqual([]);
  });

  it("places the backup where there was no database yet, and says there was nothing to keep", async () => {
    const dir = tempDir();
    const o = options(dir, await backupOf(dir, "backup", 20, 6));

    await expect(restoreDatabase(o)).resolves.toMatchObject({ replacedKeptAt: undefined, schemaVersion: 6 });
    expect(ids(o.target)).toHaveLength(20);
    expect(readdirSync(join(dir, "data"))).toEqual(["live.sqlite"]);
  });

  it("moves a database too damaged to open aside as it is, then restores", async () => {
    const dir = tempDir();
    const o = options(dir, await backupOf(dir, "backup", 20, 6));
    makeDatabase(o.target, 10);
    damagePage(o.target, 0); // the header page: SQLite no longer sees a database

    const result = await restoreDatabase(o);
    expect(result.replacedDamaged).toBe("not a SQLite database (file is not a database)");
    expect(existsSync(`${o.target}.replaced-20260921T230005Z`)).toBe(true);
    expect(ids(o.target)).toHaveLength(20);
  });

  it("gives the restored file the mode of the one it replaces, and as root its owner too", async () => {
    const dir = tempDir();
    const o = options(dir, await backupOf(dir, "backup", 20, 6));
    makeDatabase(o.target, 10);
    chmodSync(o.target, 0o640);
    const root = process.getuid?.() === 0;
    // The daemon's own user (as the vigil user of the packages): a root-owned file would lock it out.
    if (root) chownSync(o.target, 4321, 4322);

    await restoreDatabase(o);
    const restored = statSync(o.target);
    expect(restored.mode & 0o777).toBe(0o640);
    if (root) expect([restored.uid, restored.gid]).toEqual([4321, 4322]);
  });

  it("says when the backup file does not exist", async () => {
    const dir = tempDir();
    const error = await restoreDatabase(options(dir, join(dir, "nope.sqlite.gz"))).catch((e: unknown) => e);
    expect((error as RestoreError).kind).toBe("usage");
    expect((error as RestoreError).message).toBe(`${join(dir, "nope.sqlite.gz")}: no such file`);
  });
});
