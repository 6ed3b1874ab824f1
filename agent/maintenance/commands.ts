import { findMaintenanceCommand, type MaintenanceCommand } from "../../shared/sqlite/cli/maintenance-args.ts";

/**
 * The agent backs up and checks its database but has no restore: its database holds what was not
 * yet sent, and a restored outbox could resend sequences the hub already stored (docs/operations.md).
 */
const AGENT_COMMANDS: readonly MaintenanceCommand[] = ["backup", "check"];

/**
 * Runs `vigil-agent backup FILE` or `check` and exits, when the command line names one; returns
 * otherwise, for the daemon to start. Loads only the config and SQLite, never collectors or transport.
 */
export async function exitIfMaintenanceCommand(argv: readonly string[]): Promise<void> {
  const command = findMaintenanceCommand(argv, AGENT_COMMANDS);
  if (command === undefined) return;
  const [{ agentMaintenance }, { processIo, runMaintenance }] = await Promise.all([
    import("./agent-maintenance.ts"),
    import("../../shared/sqlite/cli/run-maintenance.ts"),
  ]);
  process.exit(await runMaintenance(argv, command, agentMaintenance(process.env), processIo));
}
