import { excerpt, parseSize, ZfsParseError } from "./parse-values.ts";

const SOURCE = "zpool status";

/** Where a row of the tree sits: the pool's root row, the data vdevs, or one of the titled sections. */
export type VdevSection = "pool" | "data" | "logs" | "cache" | "spares" | "special" | "dedup";

/** The headings zpool prints above log, cache, spare and allocation-class vdevs (a row with a name only). */
const SECTION_HEADINGS: ReadonlySet<string> = new Set(["logs", "cache", "spares", "special", "dedup"]);

/** One row of the `config:` table of zpool status. */
export interface VdevRow {
  name: string;
  section: VdevSection;
  /** 0 for the pool's root row, 1 for top-level vdevs (mirror-0, raidz1-0, a lone disk), 2 and more below. */
  depth: number;
  /** The row this one is indented under (the pool for top-level vdevs); absent for the root row. */
  parent?: string;
  /** ONLINE, DEGRADED, UNAVAIL... or AVAIL / INUSE for spares. */
  state?: string;
  /** Absent where zpool prints none (spares, `-` columns). */
  readErrors?: number;
  writeErrors?: number;
  checksumErrors?: number;
  /** What zpool says after the counters: `cannot open`, `was /dev/sdc1`, `(resilvering)`, `insufficient replicas`. */
  note?: string;
}

/**
 * Parses the `config:` table of zpool status. The hierarchy is in the indentation: each level is two
 * more spaces after the header's own indent (a TAB on OpenZFS, eight spaces on Solaris-era tools and in
 * copied samples). Columns are split on whitespace, so a name longer than its column (as on FreeNAS)
 * is fine; a device name containing spaces is not supported. Empty input gives no rows.
 */
export function parseVdevTree(lines: readonly string[]): VdevRow[] {
  const headerIndex = lines.findIndex((line) => /^\s*NAME\s+STATE\b/.test(line));
  if (headerIndex < 0) {
    const content = lines.find((line) => line.trim() !== "");
    if (content === undefined) return [];
    throw new ZfsParseError(SOURCE, `config: has no "NAME STATE READ WRITE CKSUM" header (first line: ${excerpt(content)})`);
  }
  const base = /^[\t ]*/.exec(lines[headerIndex] ?? "")?.[0] ?? "";
  const rows: VdevRow[] = [];
  /** The latest row at each depth, for parents. */
  const path: string[] = [];
  let section: VdevSection = "data";

  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === "") continue;
    const indent = /^[\t ]*/.exec(line)?.[0] ?? "";
    const relative = indent.startsWith(base) ? indent.slice(base.length) : undefined;
    if (relative === undefined || !/^ *$/.test(relative) || relative.length % 2 !== 0) {
      throw new ZfsParseError(SOURCE, `config: row ${excerpt(line)} is not indented under the NAME header in steps of two spaces`);
    }
    const depth = relative.length / 2;
    const [name = "", state, ...rest] = line.trim().split(/\s+/);
    if (depth === 0 && state === undefined) {
      if (!SECTION_HEADINGS.has(name)) throw new ZfsParseError(SOURCE, `config: unknown section heading ${excerpt(name)}`);
      section = name as VdevSection;
      path.length = 1;
      continue;
    }
    if (depth > path.length) throw new ZfsParseError(SOURCE, `config: row ${excerpt(line)} is indented deeper than the row above it`);
    const row: VdevRow = { name, section: depth === 0 ? "pool" : section, depth };
    const parent = depth > 0 ? path[depth - 1] : undefined;
    if (parent !== undefined) row.parent = parent;
    if (state !== undefined) row.state = state;
    addCounters(row, rest);
    rows.push(row);
    path.length = depth;
    path.push(name);
  }
  return rows;
}

/** READ WRITE CKSUM (exact with -p, `1.2K` without), then the note; rows without counters keep only a note. */
function addCounters(row: VdevRow, fields: string[]): void {
  const [read, write, cksum] = fields.slice(0, 3).map(parseSize);
  const counted = read !== undefined && write !== undefined && cksum !== undefined;
  if (counted) {
    row.readErrors = read;
    row.writeErrors = write;
    row.checksumErrors = cksum;
  }
  const note = (counted ? fields.slice(3) : fields).join(" ");
  if (note !== "") row.note = note;
}
