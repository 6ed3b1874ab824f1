import { join } from "node:path";
import type { MaintenanceProgram } from "../../shared/sqlite/cli/run-maintenance.ts";
import { loadAgentConfig } from "../config/load.ts";
import { agentMigrations } from "../store/migrations.ts";

/** Tables every agent database has had since schema version 1: tells it apart from a hub's. */
export const AGENT_DATABASE = { name: "Vigil agent database", tables: ["meta", "outbox"] } as const;

/** vigil-agent's backup and check (shared/sqlite/cli/run-maintenance.ts). */
export function agentMaintenance(env: Readonly<Record<string, string | undefined>>): MaintenanceProgram {
  return {
    program: "vigil-agent",
    commands: ["backup", "check"],
    configEnvVar: "VIGIL_AGENT_CONFIG",
    loadConfig(configFile) {
      const { config, file } = loadAgentConfig({ configFile, env });
      // As agent/run-agent.ts opens it.
      return { databaseFile: join(config.dataDir, "agent.sqlite"), configSource: file ?? "(defaults)" };
    },
    latestVersion: agentMigrations.length,
    kind: AGENT_DATABASE,
  };
}
