import { NvidiaSmiOutputError } from "./smi-values.ts";

/** One CSV row: raw values by the field name that was asked for. */
export type CsvRow = ReadonlyMap<string, string>;

/**
 * The rows of `nvidia-smi --query-*=<fields> --format=csv,noheader,...`, each value mapped to the
 * field asked for in that position. A small reader rather than a CSV library: nvidia-smi's CSV is not
 * RFC 4180 (it never quotes, and separates with ", "), so a value holding a comma arrives split; the
 * extra cells are joined back into the last field, which callers keep for free text (names).
 * Fewer cells than fields is an error naming the line. `command` names the query in errors.
 */
export function parseQueryCsv(text: string, fields: readonly string[], command: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split("\n");
  for (const [i, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length < fields.length) {
      throw new NvidiaSmiOutputError(
        `${command}: line ${i + 1} has ${cells.length} values for ${fields.length} fields: ${JSON.stringify(line.slice(0, 200))}`,
      );
    }
    const last = fields.length - 1;
    const tail = cells.slice(last).join(", ");
    rows.push(new Map(fields.map((field, k) => [field, k === last ? tail : (cells[k] as string)])));
  }
  return rows;
}

/**
 * The field a query was refused for: nvidia-smi answers an unknown field with
 * `Field "clocks_event_reasons.active" is not a valid field to query.` and no data.
 */
export function refusedQueryField(text: string): string | undefined {
  return /Field "([^"]+)" is not a valid field to query/.exec(text)?.[1];
}

/** nvidia-smi ran but found no NVIDIA GPU (it says so and exits with 6). */
export function saysNoDevices(text: string): boolean {
  return /No devices were found/i.test(text);
}
