import { SystemctlOutputError, quoteLine } from "./parse-error.ts";
import { isUnitName } from "./unit-names.ts";

/** One row of `systemctl list-units`. */
export interface ListedUnit {
  unit: string;
  load: string;
  active: string;
  sub: string;
}

/** The marker some versions print before failed or not-found units: ● in UTF-8 locales, * otherwise. */
const MARKERS = new Set(["●", "*"]);

/**
 * Reads `systemctl list-units` rows: `UNIT LOAD ACTIVE SUB [JOB] DESCRIPTION`, columns padded with
 * spaces, perhaps after a marker. The JOB column appears only while some unit has a pending job, and
 * the description is free text, so only the first four columns are read. A table printed with its
 * legend (a `UNIT LOAD ...` header, then a blank line before the notes) is read as well. Empty output
 * gives no row; a row whose first column is not a unit name throws, naming the line.
 */
export function parseListUnits(text: string): ListedUnit[] {
  const units: ListedUnit[] = [];
  let started = false;
  for (const [index, line] of text.split("\n").entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "") {
      if (started) break;
      continue;
    }
    started = true;
    if (MARKERS.has(fields[0] as string)) fields.shift();
    if (fields[0] === "UNIT" && fields[1] === "LOAD") continue;
    const [unit, load, active, sub] = fields;
    if (unit === undefined || !isUnitName(unit) || sub === undefined) {
      throw new SystemctlOutputError(
        "systemctl list-units",
        `line ${index + 1}: expected "UNIT LOAD ACTIVE SUB DESCRIPTION", got ${quoteLine(line)}`,
      );
    }
    units.push({ unit, load: load as string, active: active as string, sub });
  }
  return units;
}
