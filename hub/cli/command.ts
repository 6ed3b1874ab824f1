import type { ParseArgsOptionsConfig } from "node:util";
import type { HubClient } from "./client.ts";

/** Where a command writes. Each call is one or more lines; the newline is added by the writer. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** A positional argument: `<id>` when required, `[command]` when optional. */
export interface ArgSpec {
  name: string;
  required: boolean;
}

/** What a command gets to run with. */
export interface CommandContext {
  /** Positional arguments after the command name, by ArgSpec name; the count is checked before `run`. */
  args: Record<string, string | undefined>;
  /** Positional arguments beyond `args`, for a command with `rest` (`key=value ...`); otherwise empty. */
  rest: readonly string[];
  /** Values of the command's own `options` (global flags are handled before `run`). */
  options: Record<string, string | boolean | Array<string | boolean> | undefined>;
  /** `--json`: print the hub's JSON instead of text. */
  json: boolean;
  /** The hub client, built on first use so that `help` works with a broken VIGIL_HUB_URL. */
  hub(): HubClient;
  io: Io;
  now(): number;
  /** Every registered command, for `help`. */
  commands: CommandTable;
  version: string;
}

/** One `vigil` subcommand. Add one by writing hub/cli/commands/<name>.ts and registering it in commands/index.ts. */
export interface Command {
  name: string;
  args: readonly ArgSpec[];
  /** Takes any number of further positional arguments (shown as `[name...]`), handed over as `rest`. */
  rest?: { name: string };
  /** One line for the command list in `vigil --help`. */
  summary: string;
  /** Paragraphs for `vigil help <name>`. */
  description: string;
  /** Flags of this command only, written after the command name (`vigil alerts --state firing`). */
  options?: ParseArgsOptionsConfig;
  /** Help lines for `options`: [flag, description]. */
  optionHelp?: ReadonlyArray<readonly [string, string]>;
  /** Returns the exit code; failures throw a CliError. */
  run(ctx: CommandContext): Promise<number>;
}

/** The registered commands by name, in the order `vigil --help` lists them. */
export type CommandTable = ReadonlyMap<string, Command>;
