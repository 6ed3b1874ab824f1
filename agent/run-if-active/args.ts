import { parseArgs } from "node:util";
import { parseDuration } from "../../shared/config/schema-helpers.ts";

export const RUN_IF_ACTIVE_USAGE = `Usage: vigil-agent run-if-active [options] <group> -- <command> [arguments...]

Runs the command only while this host is the active member of the hub's failover group <group>,
with VIGIL_FAILOVER_GROUP, VIGIL_FAILOVER_MEMBER, VIGIL_FAILOVER_EPOCH and VIGIL_FAILOVER_CONFIRMED
in its environment. For cron jobs and systemd timers; it never starts the agent's daemon.

Options:
  -c, --config FILE    the agent's YAML config (default: $VIGIL_AGENT_CONFIG, else built-in defaults)
      --member NAME    ask about this member of the host (when the host has several in the group)
      --timeout D      how long to wait for the hub's answer (default: the config's hub.timeout)
  -h, --help           show this help

Exit status: the command's own when it ran; 75 not the active member; 69 hub unreachable and
the group's policy says this host does not run; 78 config or hub refusal; 64 usage; 127 command
not found; 126 command not executable. See docs/failover.md.
`;

export interface RunIfActiveArgs {
  configFile: string | undefined;
  member: string | undefined;
  timeoutMs: number | undefined;
  group: string;
  /** The program and its arguments, as given after `--`. */
  command: string[];
}

export type ParsedArgs = { kind: "run"; args: RunIfActiveArgs } | { kind: "help" } | { kind: "usage"; message: string };

/**
 * The command line after `run-if-active`. Everything after the first `--` is the command, untouched,
 * so the command's own options are never read as ours.
 */
export function parseRunIfActiveArgs(argv: readonly string[]): ParsedArgs {
  const split = argv.indexOf("--");
  const own = split === -1 ? [...argv] : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(own);
  } catch (err) {
    return { kind: "usage", message: (err as Error).message };
  }
  if (parsed.values.help) return { kind: "help" };
  const [group, ...extra] = parsed.positionals;
  if (group === undefined) return { kind: "usage", message: "missing <group>" };
  if (extra.length > 0) return { kind: "usage", message: `unexpected ${JSON.stringify(extra[0])}: put -- before the command` };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(group)) return { kind: "usage", message: `${JSON.stringify(group)} is not a group name` };
  if (split === -1) return { kind: "usage", message: "missing -- <command>: the command to run goes after --" };
  if (command.length === 0 || command[0] === "") return { kind: "usage", message: "missing the command after --" };
  let timeoutMs: number | undefined;
  if (parsed.values.timeout !== undefined) {
    const ms = parseDuration(parsed.values.timeout);
    if (ms === null || ms < 100 || /^\d+$/.test(parsed.values.timeout)) {
      return { kind: "usage", message: `--timeout ${JSON.stringify(parsed.values.timeout)}: expected a duration such as 5s` };
    }
    timeoutMs = ms;
  }
  return { kind: "run", args: { configFile: parsed.values.config, member: parsed.values.member, timeoutMs, group, command } };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      member: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
