import { readFile, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { FilesystemBlocks } from "./filesystems.ts";

/**
 * Everything the system collector reads from the operating system. This file is the only one in
 * the collector that touches the filesystem; tests point `procRoot` at a folder of fixture files.
 */
export interface SystemSource {
  /** The full path of a file under the proc root, for messages. */
  procPath(relativePath: string): string;
  /**
   * The text of a file under the proc root ("stat", "net/dev", "pressure/cpu"), or undefined when
   * the kernel does not provide it (no such file, or PSI built in but switched off).
   */
  readProcFile(relativePath: string, signal: AbortSignal): Promise<string | undefined>;
  /**
   * statfs(2) of the filesystem mounted at `mountPoint`. Rejects when the call fails, when `signal`
   * aborts first, or when the previous call for this mount point has not returned yet.
   */
  statFilesystem(mountPoint: string, signal: AbortSignal): Promise<FilesystemBlocks>;
}

/** Where createProcSource reads; both default to the real system. */
export interface ProcSourceOptions {
  /** Where procfs is mounted; default "/proc". */
  procRoot?: string;
  /** The statfs call; default `fs.promises.statfs`. */
  statfs?: (path: string) => Promise<FilesystemBlocks>;
}

/** Error codes meaning "this kernel has no such file", as opposed to a failure to read it. */
const ABSENT_CODES = new Set(["ENOENT", "ENOTSUP", "EOPNOTSUPP"]);

/** The real /proc and statfs(2), or a folder standing in for /proc. */
export function createProcSource(options: ProcSourceOptions = {}): SystemSource {
  const procRoot = options.procRoot ?? "/proc";
  const callStatfs = options.statfs ?? ((path: string) => statfs(path));
  /**
   * statfs on a hung network mount blocks a libuv thread until the server answers; an abort only
   * stops our waiting. Mount points still waiting are not asked again, so hung calls never pile up.
   */
  const pending = new Set<string>();

  return {
    procPath: (relativePath) => join(procRoot, relativePath),

    async readProcFile(relativePath, signal) {
      try {
        return await readFile(join(procRoot, relativePath), { encoding: "utf8", signal });
      } catch (err) {
        if (ABSENT_CODES.has((err as NodeJS.ErrnoException).code ?? "")) return undefined;
        throw err;
      }
    },

    statFilesystem(mountPoint, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (pending.has(mountPoint)) {
        return Promise.reject(new Error(`statfs ${mountPoint}: the previous call has not returned yet`));
      }
      pending.add(mountPoint);
      const call = callStatfs(mountPoint).finally(() => pending.delete(mountPoint));
      return untilAborted(call, signal);
    },
  };
}

/** Settles with `promise`, or rejects with the abort reason if `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
