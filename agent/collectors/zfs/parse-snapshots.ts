import { excerpt, parseCount, ZfsParseError } from "./parse-values.ts";

/** The snapshots of one dataset. */
export interface SnapshotSummary {
  count: number;
  /** Creation time of the newest snapshot, Unix seconds. */
  newestCreation: number;
}

/**
 * Counts snapshots per dataset from `zfs list -Hp -t snapshot -o <columns>`; `columns` must include
 * `name` and `creation` (with -p, Unix seconds). Only the summary is kept, never the list: a host can
 * have many thousands of snapshots. Empty output and `no datasets available` give an empty map; a row
 * without `@`, or with a creation time that is not a number, is an error naming it.
 */
export function parseSnapshotList(text: string, columns: readonly string[]): Map<string, SnapshotSummary> {
  const source = `zfs list -t snapshot (${columns.join(",")})`;
  const nameAt = columns.indexOf("name");
  const creationAt = columns.indexOf("creation");
  if (nameAt < 0 || creationAt < 0) throw new ZfsParseError(source, "the columns must include name and creation");
  const summaries = new Map<string, SnapshotSummary>();
  // Walks the text line by line instead of splitting it: a listing of 100,000 snapshots is 8 MB, and an
  // array of all its lines would cost the agent several times that.
  for (let start = 0; start < text.length;) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length : end + 1;
    if (line.trim() === "" || line.trim() === "no datasets available") continue;
    const fields = line.split("\t");
    const name = fields[nameAt] ?? "";
    const creation = parseCount(fields[creationAt]);
    const at = name.indexOf("@");
    if (fields.length !== columns.length || at <= 0) {
      throw new ZfsParseError(
        source,
        `expected ${columns.length} tab-separated fields starting with dataset@snapshot, got ${excerpt(line)}`,
      );
    }
    if (creation === undefined) {
      throw new ZfsParseError(source, `creation of ${name} is ${excerpt(fields[creationAt] ?? "")}, not Unix seconds (was -p given?)`);
    }
    const dataset = name.slice(0, at);
    const summary = summaries.get(dataset);
    if (summary === undefined) summaries.set(dataset, { count: 1, newestCreation: creation });
    else {
      summary.count++;
      summary.newestCreation = Math.max(summary.newestCreation, creation);
    }
  }
  return summaries;
}
