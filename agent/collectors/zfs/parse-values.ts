/**
 * Value parsing shared by the ZFS parsers, and the policy they follow:
 * - `-` (and an empty field) is "no value": absent, never 0 (a FAULTED pool has no size).
 * - Exact numbers (`-p`) are taken as they are; human numbers (`1.41M`, `704G`, what zpool prints in
 *   scan lines even with -p, and older tools print everywhere) are 1024-based and rounded, so exact only
 *   to their three significant digits.
 * - Text of no known shape is refused with a ZfsParseError naming the command and what was wrong.
 */
export class ZfsParseError extends Error {
  /** What produced the text, e.g. "zpool status -p". */
  readonly source: string;

  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.name = "ZfsParseError";
    this.source = source;
  }
}

const UNITS = "BKMGTPEZ";
const HUMAN = /^(\d+(?:[.,]\d+)?)([BKMGTPEZ])?$/;

/** True for a field that means "no value" (`-`, empty). */
export function isMissing(text: string | undefined): boolean {
  return text === undefined || text === "" || text === "-";
}

/**
 * Bytes or a count: `9051643576` exactly, or `1.41M`, `0B`, `1.66T` (1024-based, zfs_nicenum's units).
 * A decimal comma (`9,12T`, a non-C locale) is read as a point. Undefined for `-` or any other shape.
 */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = HUMAN.exec(text);
  if (!m) return undefined;
  const value = Number((m[1] ?? "").replace(",", "."));
  const power = UNITS.indexOf(m[2] ?? "B");
  const bytes = power <= 0 ? value : Math.round(value * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A non-negative integer in decimal digits (`-p` counts); undefined otherwise. */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `42`, `42%` or `8.5` -> a percent; undefined for `-` and other shapes. */
export function parsePercent(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+(?:[.,]\d+)?)%?$/.exec(text);
  return m ? Number((m[1] ?? "").replace(",", ".")) : undefined;
}

/** A ratio such as `1.00`, `1.83x` (dedupratio, compressratio; `-p` drops the x). */
export function parseRatio(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+(?:\.\d+)?)x?$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The durations zpool prints, by era: `06:58:02` and `1 days 02:03:04` (OpenZFS 2.x),
 * `0 days 00:19:47` (0.8), `29h37m` and `0h2m` (ZoL 0.6/0.7, illumos, FreeBSD). Seconds, or undefined.
 */
export function parseZpoolDuration(text: string): number | undefined {
  const t = text.trim();
  const clock = /^(?:(\d+) days? )?(\d+):(\d{2}):(\d{2})$/.exec(t);
  if (clock) return Number(clock[1] ?? 0) * 86_400 + Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4]);
  const hm = /^(\d+)h(\d+)m$/.exec(t);
  if (hm) return Number(hm[1]) * 3600 + Number(hm[2]) * 60;
  return undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const CTIME = /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * A ctime(3) date as zpool prints it (`Sun Nov 12 07:22:03 2023`, `Sun Nov  3 15:24:53 2024`), in the
 * local time of the host that printed it, which is the agent's own: Unix seconds, or undefined.
 */
export function parseCtime(text: string): number | undefined {
  const m = CTIME.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1] ?? "") : -1;
  if (!m || month < 0) return undefined;
  const date = new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const ms = date.getTime();
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The input's lines without their line ends; blank lines kept (they separate pools). */
export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Shortens `text` for an error message. */
export function excerpt(text: string, max = 80): string {
  const t = text.trim();
  return JSON.stringify(t.length > max ? `${t.slice(0, max)}...` : t);
}
