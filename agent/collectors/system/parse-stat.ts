import { assertSomethingParsed, nonBlankLines, parseCount } from "./proc-text.ts";

const FILE = "/proc/stat";

/**
 * One `cpu` line of /proc/stat: cumulative time in USER_HZ ticks (jiffies) per state, in the
 * kernel's order. Kernels since 2.6.33 give ten columns; older ones give fewer (2.6.0: seven).
 * Columns the line lacks are absent, never 0.
 */
export interface CpuTimes {
  /** "total" for the aggregate `cpu` line, "0", "1"... for `cpu0`, `cpu1`... */
  cpu: string;
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait?: number;
  irq?: number;
  softirq?: number;
  steal?: number;
  /** Already counted in `user`. */
  guest?: number;
  /** Already counted in `nice`. */
  guestNice?: number;
}

/** What Vigil reads from /proc/stat. */
export interface ProcStat {
  /** The aggregate line first (when present), then each CPU in file order. */
  cpus: CpuTimes[];
  /** Boot time, seconds since the epoch. */
  bootTimeSeconds?: number;
}

const OPTIONAL_COLUMNS = ["iowait", "irq", "softirq", "steal", "guest", "guestNice"] as const;

/**
 * Parses /proc/stat's `cpu*` and `btime` lines. Other lines (intr, ctxt, processes, softirq...)
 * are not read. A `cpu*` line with fewer than four columns or a non-numeric column is skipped.
 */
export function parseStat(text: string): ProcStat {
  const lines = nonBlankLines(text);
  const result: ProcStat = { cpus: [] };
  let parsed = 0;
  for (const line of lines) {
    const [key, ...values] = line.split(/\s+/);
    if (key === "btime") {
      const btime = values.length === 1 ? parseCount(values[0]) : undefined;
      if (btime !== undefined) {
        result.bootTimeSeconds = btime;
        parsed++;
      }
      continue;
    }
    const cpu = key === undefined ? undefined : cpuId(key);
    if (cpu === undefined) continue;
    const times = parseCpuColumns(cpu, values);
    if (times === undefined) continue;
    result.cpus.push(times);
    parsed++;
  }
  assertSomethingParsed(FILE, lines.length, parsed);
  return result;
}

function cpuId(key: string): string | undefined {
  if (key === "cpu") return "total";
  const m = /^cpu(\d+)$/.exec(key);
  return m ? m[1] : undefined;
}

function parseCpuColumns(cpu: string, values: string[]): CpuTimes | undefined {
  if (values.length < 4 || values.length > 4 + OPTIONAL_COLUMNS.length) return undefined;
  const numbers = values.map(parseCount);
  if (numbers.some((n) => n === undefined)) return undefined;
  const [user, nice, system, idle, ...rest] = numbers as number[];
  if (user === undefined || nice === undefined || system === undefined || idle === undefined) return undefined;
  const times: CpuTimes = { cpu, user, nice, system, idle };
  rest.forEach((value, i) => {
    const column = OPTIONAL_COLUMNS[i];
    if (column !== undefined) times[column] = value;
  });
  return times;
}
