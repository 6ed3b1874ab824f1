import {
  type CommandOutput,
  CommandFailedError,
  CommandUnavailableError,
  displayCommand,
  runCommand,
} from "../../../shared/process/run-command.ts";

/** The systemctl calls the collector makes; each returns what the command printed on stdout. */
export interface Systemctl {
  /** `systemctl list-units --state=failed`: the host's failed units. */
  listFailedUnits(signal: AbortSignal): Promise<string>;
  /** `systemctl list-units --all -- PATTERNS`: loaded units matching the globs (systemctl expands them, no shell). */
  listUnits(patterns: readonly string[], signal: AbortSignal): Promise<string>;
  /** `systemctl list-unit-files -- PATTERNS`: unit files matching the globs, loaded or not. */
  listUnitFiles(patterns: readonly string[], signal: AbortSignal): Promise<string>;
  /** `systemctl show -p PROPERTIES -- UNITS`: one block per unit, blank-line separated. */
  show(units: readonly string[], properties: readonly string[], signal: AbortSignal): Promise<string>;
}

export interface SystemctlOptions {
  /** The executable; a bare name is looked up on PATH. */
  path: string;
  /** Each call is killed after this long. */
  timeoutMs: number;
}

/**
 * How `show` is asked to print timestamps, best first: `unix` (`@1795452480`, exact, newer systemd),
 * `utc` (pretty but always UTC, systemd 247+), then none (pretty, in the host's zone). The first
 * style systemctl accepts is kept for the collector's lifetime.
 */
const TIMESTAMP_STYLES: readonly (readonly string[])[] = [["--timestamp=unix"], ["--timestamp=utc"], []];

/** How systemctl says it cannot talk to systemd at all: no systemd here, so the collector is unavailable. */
const NO_SYSTEMD = /not been booted with systemd|Failed to connect to .*bus|Failed to get D-Bus connection/;

/** How systemctl refuses a --timestamp style it does not know (unknown option, or unknown value). */
const TIMESTAMP_REFUSED = /--timestamp|Invalid value: (?:unix|utc)\b/;

const LIST_FLAGS = ["--plain", "--no-legend", "--full", "--no-pager"];

/** The real systemctl, through runCommand (execFile, argument array, killed at the timeout). */
export function createSystemctl(options: SystemctlOptions): Systemctl {
  let style = 0;

  /** Runs systemctl; "cannot reach systemd" becomes CommandUnavailableError, whatever the exit code. */
  async function run(args: readonly string[], signal: AbortSignal, okExitCodes: readonly number[] = [0]): Promise<CommandOutput> {
    const unreachable = (stderr: string) =>
      new CommandUnavailableError(`${displayCommand(options.path, args)}: cannot reach systemd: ${firstLine(stderr)}`);
    let out: CommandOutput;
    try {
      out = await runCommand(options.path, args, { timeoutMs: options.timeoutMs, signal, okExitCodes });
    } catch (err) {
      if (err instanceof CommandFailedError && NO_SYSTEMD.test(err.stderr)) throw unreachable(err.stderr);
      throw err;
    }
    if (out.exitCode !== 0 && NO_SYSTEMD.test(out.stderr)) throw unreachable(out.stderr);
    return out;
  }

  return {
    async listFailedUnits(signal) {
      return (await run(["list-units", "--state=failed", ...LIST_FLAGS], signal)).stdout;
    },

    async listUnits(patterns, signal) {
      return (await run(["list-units", "--all", ...LIST_FLAGS, "--", ...patterns], signal)).stdout;
    },

    async listUnitFiles(patterns, signal) {
      const args = ["list-unit-files", "--no-legend", "--full", "--no-pager", "--", ...patterns];
      // systemctl exits 1, printing nothing, when no unit file matches: that is an empty answer.
      const out = await run(args, signal, [0, 1]);
      if (out.exitCode === 1 && (out.stdout.trim() !== "" || out.stderr.trim() !== "")) {
        const detail = firstLine(out.stderr) || firstLine(out.stdout);
        throw new CommandFailedError(`${displayCommand(options.path, args)}: exited with 1: ${detail}`, 1, out.stderr);
      }
      return out.stdout;
    },

    async show(units, properties, signal) {
      for (;;) {
        const args = ["show", ...(TIMESTAMP_STYLES[style] ?? []), "-p", properties.join(","), "--", ...units];
        try {
          return (await run(args, signal)).stdout;
        } catch (err) {
          const refused = err instanceof CommandFailedError && style < TIMESTAMP_STYLES.length - 1 && TIMESTAMP_REFUSED.test(err.stderr);
          if (!refused) throw err;
          style++;
        }
      }
    },
  };
}

function firstLine(text: string): string {
  return (text.trim().split("\n", 1)[0] ?? "").trim().slice(0, 300);
}
