import { excerpt, lines, ZfsParseError } from "./parse-values.ts";

/**
 * Parses a Linux SPL "named" kstat file such as /proc/spl/kstat/zfs/arcstats: a header line
 * (`22 1 0x01 147 39984 ...`), a `name type data` line, then one `name type value` row per statistic.
 * Numeric rows (types 1-4: int32, uint32, int64, uint64) are returned by name; others are skipped.
 * A small fixed format, read in a few lines rather than with a library. Empty input gives an empty map;
 * content without the `name type data` line is an error naming `file`.
 */
export function parseNamedKstat(text: string, file: string): Map<string, number> {
  const all = lines(text).filter((line) => line.trim() !== "");
  const values = new Map<string, number>();
  if (all.length === 0) return values;
  const columns = all.findIndex((line) => /^name\s+type\s+data$/.test(line.trim()));
  if (columns < 0) throw new ZfsParseError(file, `no "name type data" line (first line: ${excerpt(all[0] ?? "")})`);
  for (const line of all.slice(columns + 1)) {
    const [name, type, value] = line.trim().split(/\s+/);
    if (name === undefined || !/^[1-4]$/.test(type ?? "") || !/^-?\d+$/.test(value ?? "")) continue;
    const number = Number(value);
    if (Number.isSafeInteger(number)) values.set(name, number);
  }
  return values;
}

/** /proc/spl/kstat/zfs/<pool>/state: one word such as `ONLINE` or `SUSPENDED`; undefined for anything else. */
export function parsePoolStateFile(text: string): string | undefined {
  const state = text.trim();
  return /^[A-Z_]+$/.test(state) ? state : undefined;
}
