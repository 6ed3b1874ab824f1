import { assertSomethingParsed, nonBlankLines, parseDecimal } from "./proc-text.ts";

const FILE = "/proc/uptime";

/** /proc/uptime: `350735.47 2782042.13`. */
export interface Uptime {
  /** Seconds since boot (including time suspended). */
  uptimeSeconds: number;
  /** Idle time summed over all CPUs, so it can exceed the uptime. */
  idleSeconds: number;
}

/** Parses /proc/uptime: undefined for empty input; throws when its one line has another shape. */
export function parseUptime(text: string): Uptime | undefined {
  const lines = nonBlankLines(text);
  const fields = lines[0]?.split(/\s+/) ?? [];
  const uptimeSeconds = fields.length === 2 ? parseDecimal(fields[0]) : undefined;
  const idleSeconds = fields.length === 2 ? parseDecimal(fields[1]) : undefined;
  const parsed = uptimeSeconds !== undefined && idleSeconds !== undefined ? { uptimeSeconds, idleSeconds } : undefined;
  assertSomethingParsed(FILE, lines.length, parsed ? 1 : 0);
  return parsed;
}
