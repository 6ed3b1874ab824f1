import { type FSWatcher, closeSync, openSync, readFileSync, readSync, watch } from "node:fs";
import { cgroupEventsPaths, parseCgroupPopulated } from "./cgroup-events.ts";
import { parseProcPidStat, stillRunning } from "./proc-pid-stat.ts";
import type { UnitStatus } from "./unit-status.ts";

export interface ExitWatchOptions {
  /** How often the main PIDs of units without a cgroup.events file are checked, in ms (> 0). */
  pollIntervalMs: number;
  /** Called when a watched unit's processes have ended (several calls may come at once: the caller coalesces). */
  onExit: (unit: string) => void;
  /** Seams for tests. */
  procRoot?: string;
  cgroupRoots?: readonly string[];
}

/** How one unit is watched. */
export interface WatchedUnit {
  unit: string;
  pid: number;
  how: "cgroup" | "proc";
}

interface Entry extends WatchedUnit {
  /** /proc/<pid>/stat, kept open while watched through /proc. */
  fd: number | undefined;
  /** Its start time when first seen alive. */
  startTime: string | undefined;
  watcher: FSWatcher | undefined;
  /** Its exit was reported; then `chases` counts the wakes asked for since, while systemd lagged behind. */
  ended: boolean;
  chases: number;
}

/** systemd's unified cgroup hierarchy (cgroup v2), then where the hybrid layout mounts it. */
const CGROUP_ROOTS = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"];

/**
 * States in which a unit whose exit was reported has not caught up yet: systemctl was asked before
 * systemd handled the exit, or the unit is still stopping (killing the rest of its cgroup).
 */
const LAGGING_STATES = new Set(["active", "reloading", "deactivating"]);

/** Wakes asked for a unit still lagging after its exit was reported; then the collector's own interval takes over. */
const MAX_CHASES = 5;

/**
 * Tells the units collector the moment a watched unit's processes end, so it collects at once instead
 * of at its next interval (automatic remediation restarts the unit from that collection).
 *
 * Node has no pidfd (the kernel's "tell me when this process exits"), so there are two ways, best first:
 *  - The unit's cgroup.events (cgroup v2), watched with fs.watch (inotify): the kernel changes it to
 *    `populated 0` when the last process of the unit's cgroup has exited. It costs nothing while
 *    nothing happens, and it is what systemd itself waits for before a unit that lost its main process
 *    becomes `failed` (it first kills the rest of the cgroup), so it marks the moment the unit's state
 *    changes. It is used when the unit has a ControlGroup whose cgroup.events reads `populated 1`.
 *  - Otherwise (cgroup v1, a unit without a cgroup, the agent in a container with its own cgroup
 *    namespace): /proc/<pid>/stat of the unit's MainPID, read every `pollIntervalMs` while there is
 *    such a unit. The file is opened once and read again in place: an open /proc/<pid> file belongs
 *    to the process, not to the number, so once the process is reaped a read fails (ESRCH) even if
 *    the pid has been reused: the pid-reuse guard a pidfd gives, and one syscall per check instead of
 *    four (measured in lite mode on the 2-vCPU build machine: 0.3 ms of CPU per check, 0.17 ms of it
 *    the timer's own wake-up, against 0.45 ms with readFileSync). A zombie (exited, not yet reaped),
 *    a failed read, or another start time means ended. A pid that is not alive when first seen is not watched at all: in another PID
 *    namespace systemd's pids are not ours, and would otherwise read as ended on every check.
 * Alternatives set aside: `busctl monitor` on systemd's PropertiesChanged signals is one more long-lived
 * child process and a D-Bus parser in a 60 MB agent, and hears of the exit no sooner than the cgroup
 * does; inotify does not work on /proc; a shorter collector interval costs a systemctl process per cycle.
 *
 * A unit whose main process exits but whose cgroup keeps other processes (KillMode=process) is seen
 * only through the proc fallback or at the next interval; so is a unit's exit while the agent was not
 * watching it (between its start and the next collection).
 */
export class ExitWatch {
  readonly #o: ExitWatchOptions;
  readonly #procRoot: string;
  readonly #cgroupRoots: readonly string[];
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ExitWatchOptions) {
    this.#o = options;
    this.#procRoot = options.procRoot ?? "/proc";
    this.#cgroupRoots = options.cgroupRoots ?? CGROUP_ROOTS;
  }

  /**
   * Takes one collection's statuses of the units to watch: watches those with a main process, stops
   * watching the rest, and asks for another collection while one whose exit was reported still reads
   * as running (systemd had not handled the exit yet when systemctl asked).
   */
  track(statuses: readonly UnitStatus[]): void {
    if (this.#closed) return;
    const seen = new Set<string>();
    for (const status of statuses) {
      seen.add(status.unit);
      const entry = this.#entries.get(status.unit);
      if (entry?.ended && LAGGING_STATES.has(status.activeState) && (status.mainPid ?? entry.pid) === entry.pid) {
        if (entry.chases < MAX_CHASES) {
          entry.chases++;
          this.#o.onExit(entry.unit);
        }
        continue;
      }
      if (entry !== undefined && !entry.ended && entry.pid === status.mainPid) continue;
      this.#forget(status.unit);
      if (status.mainPid !== undefined) this.#watch(status.unit, status.mainPid, status.controlGroup);
    }
    for (const unit of [...this.#entries.keys()]) if (!seen.has(unit)) this.#forget(unit);
    this.#updateTimer();
  }

  /** The units watched now and how, for tests and the docs' figures. */
  watching(): WatchedUnit[] {
    return [...this.#entries.values()].filter((e) => !e.ended).map(({ unit, pid, how }) => ({ unit, pid, how }));
  }

  close(): void {
    this.#closed = true;
    for (const unit of [...this.#entries.keys()]) this.#forget(unit);
    this.#updateTimer();
  }

  #watch(unit: string, pid: number, controlGroup: string | undefined): void {
    const entry: Entry = { unit, pid, how: "cgroup", fd: undefined, startTime: undefined, watcher: undefined, ended: false, chases: 0 };
    for (const path of controlGroup === undefined ? [] : cgroupEventsPaths(controlGroup, this.#cgroupRoots)) {
      // Watch first, then read: an exit between the two is not missed.
      const watcher = tryWatch(path, () => this.#onCgroupEvent(entry, path));
      if (watcher === undefined) continue;
      if (parseCgroupPopulated(readText(path) ?? "") === true) {
        entry.watcher = watcher;
        watcher.on("error", () => this.#fallBackToProc(entry));
        this.#entries.set(unit, entry);
        return;
      }
      watcher.close();
    }
    this.#fallBackToProc(entry);
  }

  #fallBackToProc(entry: Entry): void {
    entry.watcher?.close();
    entry.watcher = undefined;
    entry.fd = tryOpen(`${this.#procRoot}/${entry.pid}/stat`);
    const stat = parseProcPidStat(readAgain(entry.fd) ?? "");
    if (stat === undefined || !stillRunning(stat, stat.startTime)) {
      // Not alive when first seen (another PID namespace, or it ended already): not watched.
      closeFd(entry);
      if (this.#entries.get(entry.unit) === entry) this.#entries.delete(entry.unit);
      return;
    }
    entry.how = "proc";
    entry.startTime = stat.startTime;
    this.#entries.set(entry.unit, entry);
    this.#updateTimer();
  }

  #onCgroupEvent(entry: Entry, path: string): void {
    if (entry.ended || this.#entries.get(entry.unit) !== entry) return;
    const text = readText(path);
    // The file is gone with its cgroup (systemd removes it once empty): ended as well.
    if (text === undefined || parseCgroupPopulated(text) === false) this.#ended(entry);
  }

  #poll(): void {
    for (const entry of this.#entries.values()) {
      if (entry.how !== "proc" || entry.ended) continue;
      const text = readAgain(entry.fd);
      if (text === undefined || !stillRunning(parseProcPidStat(text), entry.startTime ?? "")) this.#ended(entry);
    }
    this.#updateTimer();
  }

  #ended(entry: Entry): void {
    entry.ended = true;
    entry.watcher?.close();
    entry.watcher = undefined;
    closeFd(entry);
    this.#o.onExit(entry.unit);
  }

  #forget(unit: string): void {
    const entry = this.#entries.get(unit);
    if (entry === undefined) return;
    entry.watcher?.close();
    closeFd(entry);
    this.#entries.delete(unit);
  }

  /** The poll timer runs only while some unit is watched through /proc; it never keeps the agent alive. */
  #updateTimer(): void {
    const needed = !this.#closed && [...this.#entries.values()].some((e) => e.how === "proc" && !e.ended);
    if (needed && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#poll(), this.#o.pollIntervalMs);
      this.#timer.unref();
    } else if (!needed && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/** A small file's text, or undefined when it cannot be read (gone, no permission). Synchronous: a few microseconds. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return undefined;
  }
}

/** One buffer for every check: a stat line is a few hundred bytes (comm is at most 64). */
const STAT_BUFFER = Buffer.alloc(1024);

function tryOpen(path: string): number | undefined {
  try {
    return openSync(path, "r");
  } catch {
    return undefined;
  }
}

/** The file's text read from its start through the open descriptor; undefined when that fails (ESRCH: reaped). */
function readAgain(fd: number | undefined): string | undefined {
  if (fd === undefined) return undefined;
  try {
    const length = readSync(fd, STAT_BUFFER, 0, STAT_BUFFER.length, 0);
    return STAT_BUFFER.toString("latin1", 0, length);
  } catch {
    return undefined;
  }
}

function closeFd(entry: Entry): void {
  if (entry.fd === undefined) return;
  try {
    closeSync(entry.fd);
  } catch {
    // Already closed: nothing to release.
  }
  entry.fd = undefined;
}

/** An inotify watch on one file that never keeps the process alive; undefined when the file cannot be watched. */
function tryWatch(path: string, onChange: () => void): FSWatcher | undefined {
  try {
    return watch(path, { persistent: false }, onChange);
  } catch {
    return undefined;
  }
}
