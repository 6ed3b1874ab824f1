/** A UTC time for file names that sorts as it reads: 2026-09-21T23:00:05Z -> "20260921T230005Z". */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** The time back from a fileStamp, or undefined when `text` is not one. */
export function parseFileStamp(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  // Date.UTC rolls month 13 over into the next year: a real time reads back the same.
  return fileStamp(at) === text ? at : undefined;
}
