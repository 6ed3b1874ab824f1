import { excerpt, isMissing, lines, parseRatio, parseSize, ZfsParseError } from "./parse-values.ts";

/** One filesystem or volume from zfs list; a `-` column is absent. */
export interface DatasetUsage {
  /** `nvme-fast/models`. */
  name: string;
  /** The pool: the name up to the first `/`. */
  pool: string;
  usedBytes?: number;
  availableBytes?: number;
  /** usedbysnapshots: space freed if every snapshot of the dataset were destroyed. */
  snapshotsUsedBytes?: number;
  compressRatio?: number;
}

type Field = Exclude<keyof DatasetUsage, "name" | "pool">;

/** zfs property names and short forms, as `-o` takes them. */
const COLUMNS: Record<string, Field | "name"> = {
  name: "name",
  used: "usedBytes",
  avail: "availableBytes",
  available: "availableBytes",
  usedsnap: "snapshotsUsedBytes",
  usedbysnapshots: "snapshotsUsedBytes",
  ratio: "compressRatio",
  compressratio: "compressRatio",
};

/**
 * Parses `zfs list -Hp -o <columns>` (tab-separated, no header; `columns` are the `-o` properties in order).
 * Columns other than the known ones are skipped (telegraf's `usedds`, for one). Empty output and
 * `no datasets available` give none. A row with the wrong number of fields, or a known column with an
 * unreadable value, is an error naming both.
 */
export function parseZfsList(text: string, columns: readonly string[]): DatasetUsage[] {
  const source = `zfs list (${columns.join(",")})`;
  const rows = lines(text).filter((line) => line.trim() !== "");
  if (rows.length === 1 && rows[0]?.trim() === "no datasets available") return [];
  return rows.map((line) => {
    const fields = line.split("\t");
    if (fields.length !== columns.length) {
      throw new ZfsParseError(source, `expected ${columns.length} tab-separated fields, got ${fields.length} in ${excerpt(line)}`);
    }
    const dataset: DatasetUsage = { name: "", pool: "" };
    columns.forEach((column, i) => {
      const key = COLUMNS[column.toLowerCase()];
      const value = fields[i] ?? "";
      if (key === undefined) return;
      if (key === "name") {
        dataset.name = value;
        dataset.pool = value.split("/", 1)[0] ?? "";
        return;
      }
      if (isMissing(value)) return;
      const parsed = key === "compressRatio" ? parseRatio(value) : parseSize(value);
      if (parsed === undefined) throw new ZfsParseError(source, `${column} of ${dataset.name || "?"} is ${excerpt(value)}, not a value`);
      dataset[key] = parsed;
    });
    if (dataset.name === "") throw new ZfsParseError(source, `no dataset name in ${excerpt(line)}`);
    return dataset;
  });
}
