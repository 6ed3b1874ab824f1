import { excerpt, isMissing, lines, parsePercent, parseRatio, parseSize, ZfsParseError } from "./parse-values.ts";

/** What Vigil reads from zpool list, per pool; a `-` column (an UNAVAIL or FAULTED pool) is absent. */
export interface PoolUsage {
  name: string;
  health?: string;
  sizeBytes?: number;
  allocatedBytes?: number;
  freeBytes?: number;
  fragmentationPercent?: number;
  capacityPercent?: number;
  dedupRatio?: number;
}

type Field = Exclude<keyof PoolUsage, "name">;

/** zpool's property names and their short forms (as `-o` takes them and the header prints them). */
const COLUMNS: Record<string, Field | "name"> = {
  name: "name",
  health: "health",
  size: "sizeBytes",
  alloc: "allocatedBytes",
  allocated: "allocatedBytes",
  free: "freeBytes",
  frag: "fragmentationPercent",
  fragmentation: "fragmentationPercent",
  cap: "capacityPercent",
  capacity: "capacityPercent",
  dedup: "dedupRatio",
  dedupratio: "dedupRatio",
};

const PARSERS: Record<Field, (text: string) => number | string | undefined> = {
  health: (t) => t,
  sizeBytes: parseSize,
  allocatedBytes: parseSize,
  freeBytes: parseSize,
  fragmentationPercent: parsePercent,
  capacityPercent: parsePercent,
  dedupRatio: parseRatio,
};

/**
 * Parses `zpool list -Hp -o <columns>` (tab-separated, no header), the form the collector runs; `columns`
 * are the `-o` properties in order. Also reads `zpool list -p` with its header line (space-aligned), taking
 * the columns from the header. Older zpools print `8%` and `1.83x` even with -p: both are accepted;
 * human sizes (`1.81T`) are read approximately. Columns other than the known ones are skipped. A row
 * with the wrong number of fields, or a known column with an unreadable value, is an error naming both.
 */
export function parseZpoolList(text: string, columns: readonly string[]): PoolUsage[] {
  const rows = lines(text).filter((line) => line.trim() !== "");
  let names = columns.map((c) => c.toLowerCase());
  let split = (line: string) => line.split("\t");
  if (/^NAME\s/.test(rows[0] ?? "")) {
    names = (rows.shift() ?? "").trim().toLowerCase().split(/\s+/);
    split = (line) => line.trim().split(/\s+/);
  }
  const source = `zpool list (${names.join(",")})`;
  return rows.map((line) => {
    const fields = split(line);
    if (fields.length !== names.length) {
      throw new ZfsParseError(source, `expected ${names.length} fields, got ${fields.length} in ${excerpt(line)}`);
    }
    const pool: PoolUsage = { name: "" };
    names.forEach((column, i) => {
      const key = COLUMNS[column];
      const value = fields[i] ?? "";
      if (key === undefined) return;
      if (key === "name") {
        pool.name = value;
        return;
      }
      if (isMissing(value)) return;
      const parsed = PARSERS[key](value);
      if (parsed === undefined) throw new ZfsParseError(source, `${column} of pool ${pool.name || "?"} is ${excerpt(value)}, not a value`);
      (pool as unknown as Record<string, number | string>)[key] = parsed;
    });
    if (pool.name === "") throw new ZfsParseError(source, `no pool name in ${excerpt(line)}`);
    return pool;
  });
}
