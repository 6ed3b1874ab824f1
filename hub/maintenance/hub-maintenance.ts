import { join } from "node:path";
import type { MaintenanceProgram } from "../../shared/sqlite/cli/run-maintenance.ts";
import { loadHubConfig } from "../config/load.ts";
import type { HubConfig } from "../config/types.ts";
import { hubMigrations } from "../store/migrations.ts";

/** The hub's database file, as hub/run-hub.ts opens it. */
export function hubDatabaseFile(config: Pick<HubConfig, "dataDir">): string {
  return join(config.dataDir, "hub.sqlite");
}

/** Tables every hub database has had since schema version 1: tells it apart from an agent's. */
export const HUB_DATABASE = { name: "Vigil hub database", tables: ["hosts", "received_batches"] } as const;

/** vigil-hub's backup, restore and check (shared/sqlite/cli/run-maintenance.ts). */
export function hubMaintenance(env: Readonly<Record<string, string | undefined>>): MaintenanceProgram {
  return {
    program: "vigil-hub",
    commands: ["backup", "restore", "check"],
    configEnvVar: "VIGIL_HUB_CONFIG",
    loadConfig(configFile) {
      const { config, file } = loadHubConfig({ configFile, env });
      return { databaseFile: hubDatabaseFile(config), configSource: file ?? "(defaults)" };
    },
    latestVersion: hubMigrations.length,
    kind: HUB_DATABASE,
  };
}
