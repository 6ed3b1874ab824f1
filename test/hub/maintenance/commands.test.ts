import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hubMaintenance } from "../../../hub/maintenance/hub-maintenance.ts";
import { hubMigrations } from "../../../hub/store/migrations.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import type { MaintenanceCommand } from "../../../shared/sqlite/cli/maintenance-args.ts";
import { runMaintenance } from "../../../shared/sqlite/cli/run-maintenance.ts";
import { openDatabase } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeBatch } from "../store/helpers.ts";

const tempDir = useTempDirs();

/** A hub config file with its data directory under `dir`. */
function configIn(dir: string, extra = ""): string {
  const file = join(dir, "hub.yaml");
  writeFileSync(file, `dataDir: ${join(dir, "data")}\n${extra}`);
  return file;
}

async function run(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const command = argv.find((a) => ["backup", "restore", "check"].includes(a)) as MaintenanceCommand;
  const code = await runMaintenance(argv, command, hubMaintenance(env), { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function hubWith(dir: string, batches: number): HubStore {
  const store = new HubStore(join(dir, "data", "hub.sqlite"));
  const now = Date.now();
  for (let sequence = 1; sequence <= batches; sequence++) {
    store.ingest(makeBatch({ sequence, samples: [{ t: now - (batches - sequence) * 10_000, value: sequence }] }), now);
  }
  return store;
}

describe("vigil-hub backup, restore, check", () => {
  it("checks a sound database while the hub has it open: exit 0 and a line per item", async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const store = hubWith(dir, 20);

    const r = await run(["check", "--config", config]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("vigil-hub check");
    expect(lines[1]).toBe(`config     ok       ${config} is valid`);
    expect(lines[2]).toBe(`database   ok       ${join(dir, "data", "hub.sqlite")}`);
    expect(lines[3]).toMatch(/^integrity  ok {7}integrity_check found nothing wrong \(\d+\.\d s\)$/);
    expect(lines[4]).toBe(`schema     ok       version ${hubMigrations.length}, the newest this build knows`);
    expect(lines.at(-2)).toBe("result: ok");
    store.close();
  });

  it("exits 1 on a database written by a newer build, and 2 on a config error naming the file and the path", async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const db = openDatabase(join(dir, "data", "hub.sqlite"), hubMigrations);
    db.pragma(`user_version = ${hubMigrations.length + 1}`);
    db.close();

    const newer = await run(["--config", config, "check"]);
    expect(newer.code).toBe(1);
    expect(newer.out).toContain(
      `schema     PROBLEM  version ${hubMigrations.length + 1} is newer than this build understands (${hubMigrations.length}): this vigil-hub refuses to start on it; upgrade Vigil`,
    );
    expect(newer.out.endsWith("result: 1 problem\n")).toBe(true);

    const bad = configIn(tempDir(), "backup:\n  keep: 3\n");
    const invalid = await run(["check", "-c", bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toBe("");
    expect(invalid.err).toBe(`vigil-hub: ${bad}: backup.directory: expected the directory for backups, such as /var/backups/vigil\n`);
  });

  it("backs up while the hub runs, refuses to restore while it runs, and restores once it stopped", async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const store = hubWith(dir, 30);
    const backupFile = join(dir, "hub-before.sqlite.gz");

    const backup = await run(["backup", backupFile, "--config", config]);
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(
      new RegExp(
        `^vigil-hub: backup of .*hub\\.sqlite written to ${backupFile}: .+ \\(.+ uncompressed\\), schema version ${hubMigrations.length}, integrity_check ok;`,
      ),
    );
    store.ingest(makeBatch({ sequence: 31, samples: [{ t: Date.now(), value: 31 }] }), Date.now());

    const refused = await run(["restore", backupFile, "--config", config]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      `is open in another process, most likely a running vigil-hub; stop it first (systemctl stop vigil-hub); nothing was changed`,
    );
    store.close();

    const restored = await run(["restore", backupFile, "--config", config]);
    expect(restored.code).toBe(0);
    const aside = readdirSync(join(dir, "data")).find((n) => n.startsWith("hub.sqlite.replaced-"));
    expect(restored.out).toContain(`The replaced database is kept at ${join(dir, "data", aside ?? "?")}.`);
    const after = new HubStore(join(dir, "data", "hub.sqlite"));
    expect(after.db.prepare("SELECT MAX(sequence) FROM received_batches").pluck().get()).toBe(30);
    after.close();
    const kept = openDatabase(join(dir, "data", aside ?? "?"), hubMigrations);
    expect(kept.prepare("SELECT MAX(sequence) FROM received_batches").pluck().get()).toBe(31);
    kept.close();
  });

  it("refuses an agent's database and a missing file, and explains its usage", async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const agentDb = openDatabase(join(dir, "agent.sqlite"), [
      { version: 1, description: "agent", up: (db) => db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)") },
    ]);
    agentDb.close();

    const wrong = await run(["restore", join(dir, "agent.sqlite"), "-c", config]);
    expect(wrong).toMatchObject({ code: 1, out: "" });
    expect(wrong.err).toBe(
      `vigil-hub restore: refusing to restore ${join(dir, "agent.sqlite")}: it is not a Vigil hub database (schema version 1, tables meta); nothing was changed\n`,
    );
    expect(existsSync(join(dir, "data", "hub.sqlite"))).toBe(false);
    expect(await run(["restore", join(dir, "nope.gz"), "-c", config])).toMatchObject({
      code: 2,
      err: `vigil-hub restore: ${join(dir, "nope.gz")}: no such file\n`,
    });
    expect(await run(["backup", "-c", config])).toMatchObject({
      code: 2,
      err: "vigil-hub backup: backup takes one file, got none\nRun 'vigil-hub backup --help' for usage.\n",
    });
    const help = await run(["restore", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: vigil-hub restore FILE [--config FILE]");
  });
});
