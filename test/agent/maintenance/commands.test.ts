import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { agentMaintenance } from "../../../agent/maintenance/agent-maintenance.ts";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { agentMigrations } from "../../../agent/store/migrations.ts";
import { findMaintenanceCommand, type MaintenanceCommand } from "../../../shared/sqlite/cli/maintenance-args.ts";
import { runMaintenance } from "../../../shared/sqlite/cli/run-maintenance.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { damagePage, pageCount } from "../../shared/sqlite/support/databases.ts";

const tempDir = useTempDirs();

async function run(argv: string[], env: Record<string, string>) {
  let out = "";
  let err = "";
  const command = argv[0] as MaintenanceCommand;
  const code = await runMaintenance(argv, command, agentMaintenance(env), { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** An agent store with `n` collections recorded, as the scheduler writes them. */
function agentWith(dir: string, n: number): AgentStore {
  const store = new AgentStore(join(dir, "agent.sqlite"));
  for (let i = 0; i < n; i++) {
    store.recordObservations(
      { samples: [{ name: "vigil_load1", labels: {}, timestamp: 1_790_000_000_000 + i * 10_000, value: i / 10 }], states: [] },
      1_790_000_000_000 + i * 10_000,
    );
  }
  return store;
}

describe("vigil-agent backup and check", () => {
  it("offers backup and check but no restore", () => {
    expect(agentMaintenance({}).commands).toEqual(["backup", "check"]);
    expect(findMaintenanceCommand(["restore", "x"], agentMaintenance({}).commands)).toBeUndefined();
  });

  it("backs up the database the running agent writes, and checks it", async () => {
    const dir = tempDir();
    const env = { VIGIL_DATA_DIR: dir };
    const store = agentWith(dir, 40);

    const backup = await run(["backup", join(dir, "agent-copy.sqlite.gz")], env);
    expect(backup.code).toBe(0);
    expect(backup.out).toContain(`vigil-agent: backup of ${join(dir, "agent.sqlite")} written to ${join(dir, "agent-copy.sqlite.gz")}`);
    writeFileSync(join(dir, "copy.sqlite"), gunzipSync(readFileSync(join(dir, "agent-copy.sqlite.gz"))));
    const copy = new Database(join(dir, "copy.sqlite"), { readonly: true });
    expect(copy.prepare("SELECT COUNT(*) FROM samples").pluck().get()).toBe(40);
    expect(copy.pragma("user_version", { simple: true })).toBe(agentMigrations.length);
    copy.close();

    const check = await run(["check"], env);
    expect(check.code).toBe(0);
    expect(check.out).toContain("config     ok       (defaults) is valid");
    expect(check.out).toContain(`schema     ok       version ${agentMigrations.length}, the newest this build knows`);
    store.close();
  });

  it("exits 1 with the damage named when the database is damaged", async () => {
    const dir = tempDir();
    agentWith(dir, 400).close();
    const file = join(dir, "agent.sqlite");
    damagePage(file, Math.floor(pageCount(file) / 2));

    const check = await run(["check"], { VIGIL_DATA_DIR: dir });
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/\nintegrity  PROBLEM  .+; restore a backup \(docs\/operations\.md\)\n/);
    expect(check.out.endsWith("result: 1 problem\n")).toBe(true);
  });
});
