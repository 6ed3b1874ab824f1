import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type { Command, CommandTable } from "./command.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS } from "./options.ts";

/** The global flags as given on the command line. */
export interface GlobalFlags {
  hub: string | undefined;
  token: string | undefined;
  timeout: string | undefined;
  json: boolean;
  help: boolean;
  version: boolean;
}

/** A command line split into the command, its arguments and the flags. */
export interface CommandLine {
  /** Undefined when no command was typed (`vigil`, `vigil --version`). */
  command: Command | undefined;
  /** Positional arguments after the command name. */
  args: string[];
  flags: GlobalFlags;
  /** Values of the command's own options. */
  options: Record<string, string | boolean | Array<string | boolean> | undefined>;
}

/**
 * Parses argv (without `node` and the script). The command is the first positional argument;
 * global flags may come before or after it, the command's own options after it. Unknown
 * commands and flags, and flags missing their value, are UsageErrors. A flag's value is never
 * repeated in a message (it may be a token).
 */
export function parseCommandLine(argv: readonly string[], commands: CommandTable): CommandLine {
  // First pass, lenient, only to find the command name, which decides the options of the strict pass.
  const name = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true }).positionals[0];
  const command = name === undefined ? undefined : commands.get(name);
  const helpCommand = command ? `vigil help ${command.name}` : "vigil --help";

  const options: ParseArgsOptionsConfig = { ...command?.options, ...GLOBAL_OPTIONS };
  const parsed = strictParse(argv, options, helpCommand);
  if (name !== undefined && command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  if (command && parsed.positionals[0] !== command.name) {
    throw new UsageError(`the options of "${command.name}" go after the command name`, helpCommand);
  }

  const { hub, token, timeout, json, help, version, ...own } = parsed.values;
  return {
    command,
    args: parsed.positionals.slice(1),
    flags: {
      hub: asString(hub),
      token: asString(token),
      timeout: asString(timeout),
      json: json === true,
      help: help === true,
      version: version === true,
    },
    options: own,
  };
}

function strictParse(argv: readonly string[], options: ParseArgsOptionsConfig, helpCommand: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err), helpCommand);
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** node:util's parse errors, reworded to one short line that names the flag and never its value. */
function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "an option";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${flag}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) return `option ${flag} does not take a value`;
    if (message.includes("ambiguous")) return `option ${flag} needs a value (for one that starts with '-', write ${flag}=-...)`;
    return `option ${flag} needs a value`;
  }
  return message.split("\n")[0] ?? message;
}
