import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { CommandFailedError, CommandUnavailableError, displayCommand, runCommand } from "../../../shared/process/run-command.ts";

/**
 * The `-o` columns the collector asks for; the parsers read them by these names. The zpool list columns are
 * telegraf's, whose real outputs are the test fixtures; its health column is read but the health reported
 * comes from zpool status.
 */
export const ZPOOL_LIST_COLUMNS = ["name", "health", "size", "alloc", "free", "fragmentation", "capacity", "dedupratio"] as const;
export const ZFS_LIST_COLUMNS = ["name", "used", "avail", "usedsnap", "compressratio"] as const;
/** `used` is not reported; asking for it keeps the output the shape of the real sample the tests replay. */
export const SNAPSHOT_COLUMNS = ["name", "used", "creation"] as const;

/** The argument lists, exactly as run (and as docs/collectors.md shows them). */
export const ZFS_COMMANDS = {
  zpoolStatus: (listErrorFiles: boolean) => (listErrorFiles ? ["status", "-p", "-v"] : ["status", "-p"]),
  zpoolList: ["list", "-Hp", "-o", ZPOOL_LIST_COLUMNS.join(",")],
  zfsList: ["list", "-Hp", "-t", "filesystem,volume", "-o", ZFS_LIST_COLUMNS.join(",")],
  snapshots: ["list", "-Hp", "-t", "snapshot", "-o", SNAPSHOT_COLUMNS.join(",")],
} as const;

/** ZFS is not usable here: no zpool binary, no kernel module, no /dev/zfs, or no permission. */
export class ZfsUnavailableError extends Error {
  override readonly name = "ZfsUnavailableError";
}

/**
 * What libzfs prints when it cannot start (lib/libzfs/libzfs_util.c, libzfs_error_init): the tools exist
 * but ZFS cannot be used on this host or by this user. That is "unavailable", not a failed cycle.
 */
const CANNOT_USE_ZFS =
  /ZFS modules (?:are not loaded|cannot be auto-loaded)|\/dev\/zfs and \/proc\/self\/mounts are required|must be run as root|Failed to initialize the libzfs library/;

export interface RunOptions {
  /**
   * Killed (SIGKILL) after this long. Deliberately no abort signal: an aborted execFile reports at once,
   * while a killed one reports when the process has really exited, which the guard below relies on.
   * The collector passes its cycle timeout, so the process is killed when the cycle is abandoned.
   */
  timeoutMs: number;
}

/** Everything the ZFS collector reads from the host. The only file of the collector that does I/O. */
export interface ZfsSource {
  /** Runs zpool or zfs and returns its stdout; throws ZfsUnavailableError or CommandFailedError, naming the command. */
  run(tool: "zpool" | "zfs", args: readonly string[], options: RunOptions): Promise<string>;
  /** A file under the kstat directory (`arcstats`), or undefined when there is none (not Linux, module not loaded). */
  readKstat(relativePath: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The text of every `<pool>/state` file under the kstat directory, by pool; empty when there are none. */
  readPoolStateFiles(signal?: AbortSignal): Promise<Map<string, string>>;
  kstatPath(relativePath: string): string;
}

export interface ZfsSourceOptions {
  zpoolPath: string;
  zfsPath: string;
  kstatDir: string;
  now?: () => number;
}

const ABSENT = new Set(["ENOENT", "ENOTDIR"]);

export function createZfsSource(options: ZfsSourceOptions): ZfsSource {
  const now = options.now ?? Date.now;
  /**
   * Commands still running, by command line, with their start time. A process blocked in the kernel (a
   * suspended pool) survives SIGKILL; starting the same command every cycle would pile them up, so a
   * command is not started again until its previous run has exited.
   */
  const running = new Map<string, number>();

  async function readKstat(relativePath: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      return await readFile(join(options.kstatDir, relativePath), { encoding: "utf8", signal });
    } catch (err) {
      if (ABSENT.has((err as NodeJS.ErrnoException).code ?? "")) return undefined;
      throw err;
    }
  }

  return {
    async run(tool, args, runOptions) {
      const file = tool === "zpool" ? options.zpoolPath : options.zfsPath;
      const command = displayCommand(file, args);
      const startedAt = running.get(command);
      if (startedAt !== undefined) {
        const seconds = Math.round((now() - startedAt) / 1000);
        throw new CommandFailedError(
          `${command}: its previous run (started ${seconds} s ago) has not exited yet, so it was not started again (a suspended pool can hang zpool and zfs in the kernel)`,
          null,
          "",
        );
      }
      running.set(command, now());
      try {
        const out = await runCommand(file, args, { timeoutMs: runOptions.timeoutMs });
        return out.stdout;
      } catch (err) {
        if (err instanceof CommandUnavailableError) throw new ZfsUnavailableError(err.message);
        if (err instanceof CommandFailedError && CANNOT_USE_ZFS.test(err.stderr)) {
          throw new ZfsUnavailableError(`${command}: ${err.stderr.trim().split("\n", 1)[0]}`);
        }
        throw err;
      } finally {
        running.delete(command);
      }
    },

    readKstat,

    async readPoolStateFiles(signal) {
      const states = new Map<string, string>();
      let entries;
      try {
        entries = await readdir(options.kstatDir, { withFileTypes: true });
      } catch (err) {
        if (ABSENT.has((err as NodeJS.ErrnoException).code ?? "")) return states;
        throw err;
      }
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const text = await readKstat(join(entry.name, "state"), signal);
        if (text !== undefined) states.set(entry.name, text);
      }
      return states;
    },

    kstatPath: (relativePath) => join(options.kstatDir, relativePath),
  };
}
