import { SystemctlOutputError, quoteLine } from "./parse-error.ts";

/** One unit's properties from `systemctl show`, as printed: `Key=value`, the value unparsed. */
export type ShowBlock = ReadonlyMap<string, string>;

const PROPERTY = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/;

/**
 * Splits `systemctl show` output into one block per unit. systemctl prints `Key=value` lines, the
 * value being everything after the first "=" (it may hold "=" itself, as in `ExecStart={ path=... }`,
 * or be empty), and separates units with a blank line. No library reads this format, and it is
 * simple enough not to need one. Empty output gives no block; a line that is not `Key=value` throws.
 */
export function parseShowBlocks(text: string): ShowBlock[] {
  const blocks: ShowBlock[] = [];
  let current: Map<string, string> | undefined;
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      current = undefined;
      continue;
    }
    const match = PROPERTY.exec(line);
    if (match === null) {
      throw new SystemctlOutputError("systemctl show", `line ${index + 1}: expected Key=value, got ${quoteLine(line)}`);
    }
    if (current === undefined) {
      current = new Map();
      blocks.push(current);
    }
    current.set(match[1] as string, match[2] as string);
  }
  return blocks;
}
