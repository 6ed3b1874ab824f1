import { SystemctlOutputError, quoteLine } from "./parse-error.ts";
import { isUnitName } from "./unit-names.ts";

/** One row of `systemctl list-unit-files`. */
export interface ListedUnitFile {
  unit: string;
  /** enabled, disabled, static, masked, indirect, generated, alias... */
  state: string;
}

/**
 * Reads `systemctl list-unit-files` rows: `UNIT-FILE STATE [PRESET]`, columns padded with spaces.
 * A table printed with its legend (a `UNIT FILE STATE` header, then a blank line before the count)
 * is read as well. Empty output gives no row; a row that is not a unit file and its state throws.
 */
export function parseListUnitFiles(text: string): ListedUnitFile[] {
  const files: ListedUnitFile[] = [];
  let started = false;
  for (const [index, line] of text.split("\n").entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "") {
      if (started) break;
      continue;
    }
    started = true;
    if (fields[0] === "UNIT" && fields[1] === "FILE") continue;
    const [unit, state] = fields;
    if (unit === undefined || !isUnitName(unit) || state === undefined) {
      throw new SystemctlOutputError("systemctl list-unit-files", `line ${index + 1}: expected "UNIT-FILE STATE", got ${quoteLine(line)}`);
    }
    files.push({ unit, state });
  }
  return files;
}
