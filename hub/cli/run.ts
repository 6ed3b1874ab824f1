import { vigilVersion } from "../../shared/runtime.ts";
import { parseCommandLine } from "./args.ts";
import { HubClient } from "./client.ts";
import type { Command, CommandContext, CommandTable, Io } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { resolveCliConfig } from "./config.ts";
import { CliError, UsageError } from "./errors.ts";
import { EXIT } from "./exit-codes.ts";
import { printable } from "./format.ts";
import { renderCommandHelp, renderHelp } from "./help.ts";

/** What `runCli` needs from the process; tests pass their own. */
export interface CliDeps {
  /** Environment variables, read only through loadConfig (VIGIL_HUB_URL, VIGIL_TOKEN). */
  env: Readonly<Record<string, string | undefined>>;
  io: Io;
  now?: () => number;
  commands?: CommandTable;
  version?: string;
}

/** Io on the process's stdout and stderr. */
export const stdio: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Runs one `vigil` command line and returns the exit code (see exit-codes.ts). Every error is
 * reported on `io.err`; nothing is thrown, and the process is left to the caller.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const version = deps.version ?? vigilVersion();
  const commands = deps.commands ?? COMMANDS;
  try {
    const line = parseCommandLine(argv, commands);
    if (line.flags.version) {
      deps.io.out(`vigil ${version}`);
      return EXIT.ok;
    }
    if (line.flags.help) {
      deps.io.out(line.command ? renderCommandHelp(line.command) : renderHelp(commands, version));
      return EXIT.ok;
    }
    if (!line.command) {
      deps.io.err(renderHelp(commands, version));
      return EXIT.usage;
    }

    let client: HubClient | undefined;
    const ctx: CommandContext = {
      args: bindArgs(line.command, line.args),
      rest: line.command.rest === undefined ? [] : line.args.slice(line.command.args.length),
      options: line.options,
      json: line.flags.json,
      hub: () => {
        if (!client) {
          const config = resolveCliConfig(line.flags, deps.env);
          client = new HubClient({ url: config.hubUrl, token: config.token, timeoutMs: config.timeoutMs, version });
        }
        return client;
      },
      io: deps.io,
      now: deps.now ?? Date.now,
      commands,
      version,
    };
    return await line.command.run(ctx);
  } catch (err) {
    if (err instanceof CliError) {
      // Messages may quote the hub's text: keep control characters away from the terminal.
      deps.io.err(err.render().split("\n").map(printable).join("\n"));
      return err.exitCode;
    }
    deps.io.err(printable(`vigil: unexpected error: ${err instanceof Error ? err.message : String(err)}`));
    return EXIT.hubError;
  }
}

/** Names the positional arguments after the command's ArgSpecs; too few or too many is a UsageError. */
function bindArgs(command: Command, given: readonly string[]): Record<string, string | undefined> {
  const helpCommand = `vigil help ${command.name}`;
  const missing = command.args.slice(given.length).find((a) => a.required);
  if (missing) throw new UsageError(`missing <${missing.name}> for "${command.name}"`, helpCommand);
  if (given.length > command.args.length && command.rest === undefined) {
    throw new UsageError(`unexpected argument ${JSON.stringify(given[command.args.length])} for "${command.name}"`, helpCommand);
  }
  return Object.fromEntries(command.args.map((a, i) => [a.name, given[i]]));
}
