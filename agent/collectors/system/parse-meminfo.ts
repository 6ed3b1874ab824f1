import { assertSomethingParsed, nonBlankLines, parseCount } from "./proc-text.ts";

const FILE = "/proc/meminfo";
const LINE = /^([A-Za-z0-9_()]+):\s+(\S+)(?:\s+(\S+))?$/;

/**
 * The fields of /proc/meminfo by name (`MemTotal`, `MemAvailable`, `HugePages_Total`...).
 * Values given in `kB` are converted to bytes (kB * 1024, the kernel's kB is KiB);
 * values without a unit (the HugePages_* counts) are kept as they are.
 */
export type Meminfo = ReadonlyMap<string, number>;

/** Parses /proc/meminfo. Lines of another shape, or with a unit other than kB, are skipped. */
export function parseMeminfo(text: string): Meminfo {
  const lines = nonBlankLines(text);
  const fields = new Map<string, number>();
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, name, number, unit] = m;
    const value = parseCount(number);
    if (name === undefined || value === undefined) continue;
    if (unit === undefined) fields.set(name, value);
    else if (unit === "kB") fields.set(name, value * 1024);
  }
  assertSomethingParsed(FILE, lines.length, fields.size);
  return fields;
}
