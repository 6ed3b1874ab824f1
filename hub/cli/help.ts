import type { Command, CommandTable } from "./command.ts";
import { GLOBAL_OPTION_HELP } from "./options.ts";

/** Rows as two aligned columns, indented by two spaces. */
function columns(rows: ReadonlyArray<readonly [string, string]>): string {
  const w = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `  ${left.padEnd(w)}${right}`).join("\n");
}

/** The command and its arguments as typed: `host <id>`, `help [command]`. */
export function commandSynopsis(command: Command): string {
  const rest = command.rest === undefined ? [] : [`[${command.rest.name}...]`];
  return [command.name, ...command.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)), ...rest].join(" ");
}

/** `vigil --help`. */
export function renderHelp(commands: CommandTable, version: string): string {
  return [
    `vigil ${version}: the operator's command line for vigil-hub`,
    "",
    "Usage: vigil [options] <command> [arguments]",
    "",
    "Commands:",
    columns([...commands.values()].map((c) => [commandSynopsis(c), c.summary])),
    "",
    "Options:",
    columns(GLOBAL_OPTION_HELP),
    "",
    "Exit codes: 0 ok, 1 the hub answered with an error, 2 usage error, 3 the hub is unreachable.",
  ].join("\n");
}

/** `vigil help <command>` and `vigil <command> --help`. */
export function renderCommandHelp(command: Command): string {
  const [first, ...rest] = commandSynopsis(command).split(" ");
  const lines = [`Usage: vigil ${[first, "[options]", ...rest].join(" ")}`, "", command.description];
  if (command.optionHelp && command.optionHelp.length > 0) lines.push("", "Options:", columns(command.optionHelp));
  lines.push("", "Global options: --hub, --token, --json, --timeout (see 'vigil --help').");
  return lines.join("\n");
}
