/** What the exit watch needs of `/proc/<pid>/stat`: the process's state letter and when it started. */
export interface ProcPidStat {
  pid: number;
  /** Field 3: R running, S sleeping, D disk sleep, Z zombie, X dead, T stopped, t traced, I idle... */
  state: string;
  /**
   * Field 22, starttime: clock ticks after boot. With the pid it names one process for the life of the
   * system, so a pid reused by a new process is told apart. Kept as the text printed (it is only compared).
   */
  startTime: string;
}

/**
 * Reads `/proc/<pid>/stat` (proc(5)): `pid (comm) state ppid ...`, one line of space-separated fields.
 * comm may hold spaces and parentheses (`model) (srv 1`), so the fields after it are counted from the
 * last ")". A file this small and fixed needs no library; the fields are found by position rather than
 * by splitting the line, as the exit watch reads it every 100 ms in an agent meant to cost nothing.
 * Returns undefined for text that is not such a line (empty: the process went away between open and read).
 */
export function parseProcPidStat(text: string): ProcPidStat | undefined {
  const open = text.indexOf(" (");
  const close = text.lastIndexOf(")");
  if (open <= 0 || close < open || text.charCodeAt(close + 1) !== SPACE) return undefined;
  const pid = Number(text.slice(0, open));
  const state = text.charAt(close + 2);
  // Field 3 (state) starts at close + 2; field 22 (starttime) 19 spaces further.
  let at = close + 2;
  for (let field = 3; field < 22 && at > 0; field++) at = text.indexOf(" ", at) + 1;
  const end = text.indexOf(" ", at);
  const startTime = at > 0 ? text.slice(at, end < 0 ? undefined : end).trimEnd() : "";
  if (!Number.isInteger(pid) || pid <= 0 || !/^[A-Za-z]$/.test(state) || !/^\d+$/.test(startTime)) return undefined;
  return { pid, state, startTime };
}

const SPACE = 0x20;

/** Zombie (exited, not yet reaped by its parent) or dead: the process has ended either way. */
const ENDED_STATES = new Set(["Z", "X", "x"]);

/**
 * Whether the process first seen with `startTime` still runs, given what `/proc/<pid>/stat` reads now
 * (undefined: the file is gone, the process reaped). A zombie has ended: its parent (systemd, for a
 * unit's main process) has only not reaped it yet. Another start time is another process under a
 * reused pid: the one watched has ended.
 */
export function stillRunning(now: ProcPidStat | undefined, startTime: string): boolean {
  return now !== undefined && now.startTime === startTime && !ENDED_STATES.has(now.state);
}
