import { findMaintenanceCommand, type MaintenanceCommand } from "../../shared/sqlite/cli/maintenance-args.ts";

const HUB_COMMANDS: readonly MaintenanceCommand[] = ["backup", "restore", "check"];

/**
 * Runs `vigil-hub backup FILE`, `restore FILE` or `check` and exits, when the command line names one;
 * returns otherwise, for the daemon to start. Loads only what the command needs (config, SQLite),
 * never the daemon's HTTP server, rules or notification channels.
 */
export async function exitIfMaintenanceCommand(argv: readonly string[]): Promise<void> {
  const command = findMaintenanceCommand(argv, HUB_COMMANDS);
  if (command === undefined) return;
  const [{ hubMaintenance }, { processIo, runMaintenance }] = await Promise.all([
    import("./hub-maintenance.ts"),
    import("../../shared/sqlite/cli/run-maintenance.ts"),
  ]);
  process.exit(await runMaintenance(argv, command, hubMaintenance(process.env), processIo));
}
