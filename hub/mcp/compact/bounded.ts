/**
 * Caps of what one MCP answer holds. An assistant reads every byte of an answer into its context, so
 * answers are cut at sizes a reader can use, and the answer says what was left out and how to ask
 * for it (a narrower host, a larger step).
 */
export const LIMITS = {
  hosts: 100,
  entitiesPerView: 64,
  detailsPerEntity: 16,
  hostWide: 32,
  filesystems: 24,
  series: 10,
  pointsPerSeries: 120,
  alerts: 50,
  history: 50,
  actionsAudit: 50,
  /** Of an action's stdout and stderr each, in an audit row. */
  outputChars: 2000,
  catalogActions: 100,
  failoverHistory: 10,
} as const;

/** The first `max` items; when more were given, a note naming what was cut ("hosts: 100 of 240 shown"). */
export function bounded<T>(items: readonly T[], max: number, what: string, notes: string[], hint?: string): T[] {
  if (items.length <= max) return [...items];
  notes.push(`${what}: ${max} of ${items.length} shown${hint ? ` (${hint})` : ""}`);
  return items.slice(0, max);
}

/** Text cut to `max` characters, with a note when it was. */
export function boundedText(text: string, max: number, what: string, notes: string[]): string {
  if (text.length <= max) return text;
  notes.push(`${what}: first ${max} of ${text.length} characters shown`);
  return `${text.slice(0, max)}…`;
}
