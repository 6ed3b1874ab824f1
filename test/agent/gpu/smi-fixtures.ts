import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type FieldSelection, GPU_FIELDS, type GpuFieldKey } from "../../../agent/collectors/gpu/query-fields.ts";

/** test/fixtures/nvidia-smi/, where the nvidia-smi outputs live (see its SOURCES.md). */
export const SMI_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/nvidia-smi/", import.meta.url));

export function smiFixturePath(fileName: string): string {
  return `${SMI_FIXTURES_DIR}${fileName}`;
}

/** The text of one fixture in test/fixtures/nvidia-smi/. */
export function smiFixture(fileName: string): string {
  return readFileSync(smiFixturePath(fileName), "utf8");
}

/**
 * A CSV fixture split into the field list its header names and the data lines. The fixtures were
 * captured with `--format=csv` (header row, units in the header as ` [MiB]`); the collector asks for
 * `noheader`, so the header row is exactly "the field list that was asked for".
 */
export function csvFixture(fileName: string): { fields: string[]; body: string } {
  const text = smiFixture(fileName);
  const newline = text.indexOf("\n");
  const header = newline === -1 ? text : text.slice(0, newline);
  const fields = header.split(",").map((f) => f.trim().replace(/ \[[^\]]+\]$/, ""));
  return { fields, body: newline === -1 ? "" : text.slice(newline + 1) };
}

/** For each collector key, the first of its names the fixture's header has: what the collector would ask that driver. */
export function selectionFromHeader(fields: readonly string[]): FieldSelection {
  return (Object.entries(GPU_FIELDS) as Array<[GpuFieldKey, readonly string[]]>).flatMap(([key, names]) => {
    const name = names.find((n) => fields.includes(n));
    return name === undefined ? [] : [[key, name] as const];
  });
}

/**
 * The named columns of a CSV fixture, in the order given: real values laid out as the collector asks
 * for them. `sourceOf` reads a field from a column of another name (the same quantity renamed).
 */
export function projectCsvFixture(fileName: string, names: readonly string[], sourceOf: Record<string, string> = {}): string {
  const { fields, body } = csvFixture(fileName);
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  return lines
    .map((line) => {
      const cells = line.split(", ");
      return names
        .map((name) => {
          const column = fields.indexOf(sourceOf[name] ?? name);
          if (column === -1) throw new Error(`${fileName} has no column ${sourceOf[name] ?? name}`);
          return cells[column];
        })
        .join(", ");
    })
    .join("\n")
    .concat("\n");
}
