import { parseArgs } from "node:util";

export type MaintenanceCommand = "backup" | "restore" | "check";

/** Exit codes of the maintenance commands, the same as the daemons' for configuration errors. */
export const MAINTENANCE_EXIT = {
  ok: 0,
  /** check found a problem, a backup failed, a restore was refused. */
  problems: 1,
  /** The command line or the configuration is wrong. */
  usage: 2,
} as const;

export interface MaintenanceArgs {
  command: MaintenanceCommand;
  configFile: string | undefined;
  /** The file of backup and restore. */
  file: string | undefined;
  help: boolean;
}

/**
 * The maintenance command named by the first word that is not an option (so `--config FILE check`
 * works as well as `check --config FILE`), or undefined when the daemon is meant to run.
 * Only node: built-ins here: the daemon's entry point asks this before loading anything else.
 */
export function findMaintenanceCommand(argv: readonly string[], commands: readonly MaintenanceCommand[]): MaintenanceCommand | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-c" || arg === "--config") {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return (commands as readonly string[]).includes(arg) ? (arg as MaintenanceCommand) : undefined;
  }
  return undefined;
}

/** Parses a maintenance command line; throws an Error with a one-line reason on a usage error. */
export function parseMaintenanceArgs(argv: readonly string[], command: MaintenanceCommand): MaintenanceArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } },
  });
  const rest = positionals.filter((p, i) => !(p === command && i === positionals.indexOf(command)));
  const help = values.help === true;
  const wantsFile = command !== "check";
  if (!help && wantsFile && rest.length !== 1)
    throw new Error(`${command} takes one file, got ${rest.length === 0 ? "none" : rest.join(" ")}`);
  if (!help && !wantsFile && rest.length > 0) throw new Error(`check takes no file, got ${rest.join(" ")}`);
  return { command, configFile: values.config, file: wantsFile ? rest[0] : undefined, help };
}
