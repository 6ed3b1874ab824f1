/**
 * Helpers shared by the /proc parsers in this folder, and the parsing policy they all follow:
 *
 * - A line that does not have the expected shape is skipped, never read as 0.
 * - A field absent from the input yields no value (the result simply lacks it).
 * - An empty input (no non-blank line) yields an empty result: nothing was there to report.
 * - An input with content of which not one line parses is not the file it claims to be:
 *   the parser throws a ProcParseError naming the file, and the collector's cycle fails.
 */
export class ProcParseError extends Error {
  /** The /proc file the text claimed to be, e.g. "/proc/meminfo". */
  readonly file: string;

  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "ProcParseError";
    this.file = file;
  }
}

/** The input's lines with surrounding whitespace removed, blank lines dropped. */
export function nonBlankLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Throws when there was content but none of it parsed (see the policy above). */
export function assertSomethingParsed(file: string, contentLineCount: number, parsedCount: number): void {
  if (contentLineCount > 0 && parsedCount === 0) {
    throw new ProcParseError(file, `none of its ${contentLineCount} line(s) has the expected shape`);
  }
}

/** A non-negative integer written in decimal digits only; anything else is undefined. */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A non-negative decimal such as "0.37" or "350735.47"; anything else is undefined. */
export function parseDecimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(?:\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}
