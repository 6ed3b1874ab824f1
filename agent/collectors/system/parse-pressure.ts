import { assertSomethingParsed, nonBlankLines, parseCount, parseDecimal } from "./proc-text.ts";

/** One line of a /proc/pressure/<resource> file (PSI). */
export interface PressureLine {
  /** Percent of wall time stalled, averaged over 10 s, 60 s and 300 s. */
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time, microseconds. */
  totalMicroseconds: number;
}

/**
 * A PSI file: `some` (at least one task stalled) and `full` (all non-idle tasks stalled).
 * Either may be absent: kernels before 5.13 give cpu only `some`; irq has only `full`.
 */
export interface Pressure {
  some?: PressureLine;
  full?: PressureLine;
}

/**
 * Parses /proc/pressure/cpu, memory, io or irq (`resource` only names the file in errors).
 * A line needs all four of avg10, avg60, avg300 and total; unknown extra keys are ignored.
 */
export function parsePressure(text: string, resource: string): Pressure {
  const lines = nonBlankLines(text);
  const pressure: Pressure = {};
  let parsed = 0;
  for (const line of lines) {
    const [kind, ...pairs] = line.split(/\s+/);
    if (kind !== "some" && kind !== "full") continue;
    const values = new Map(pairs.map((pair) => pair.split("=", 2) as [string, string | undefined]));
    const avg10 = parseDecimal(values.get("avg10"));
    const avg60 = parseDecimal(values.get("avg60"));
    const avg300 = parseDecimal(values.get("avg300"));
    const totalMicroseconds = parseCount(values.get("total"));
    if (avg10 === undefined || avg60 === undefined || avg300 === undefined || totalMicroseconds === undefined) continue;
    pressure[kind] = { avg10, avg60, avg300, totalMicroseconds };
    parsed++;
  }
  assertSomethingParsed(`/proc/pressure/${resource}`, lines.length, parsed);
  return pressure;
}
