import { SystemctlOutputError, quoteLine } from "./parse-error.ts";

/** Calendar fields of a wall-clock time, month 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Turns a wall-clock time in the host's time zone into milliseconds since the epoch. */
export type LocalTimeResolver = (time: WallClock) => number;

/** The host's own zone, as systemctl used it: the agent runs on the same host, with the same /etc/localtime. */
export const hostLocalTime: LocalTimeResolver = (t) => new Date(t.year, t.month - 1, t.day, t.hour, t.minute, t.second).getTime();

const UNIX = /^@(\d+)(?:\.(\d{1,6}))?$/;
/** `Mon 2026-11-23 16:47:25 UTC`; the weekday follows the locale, the zone may be absent; `--timestamp=us` adds micros. */
const PRETTY = /^(?:\S+ )?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?: (\S+))?$/;
const UTC_ZONES = new Set(["UTC", "GMT", "Z"]);

/**
 * A timestamp property of `systemctl show` in milliseconds since the epoch, or undefined when it is
 * unset (empty, `n/a`, or `@0`). Reads `--timestamp=unix` (`@1795452480`), and the pretty form
 * systemd prints otherwise; there a zone other than UTC is an abbreviation (CET, EDT) that names no
 * offset unambiguously, so the time is read in the host's local zone, as systemctl wrote it.
 * `property` names the value in errors.
 */
export function parseSystemdTimestamp(value: string, property: string, localTime: LocalTimeResolver = hostLocalTime): number | undefined {
  const text = value.trim();
  if (text === "" || text === "n/a") return undefined;
  const unix = UNIX.exec(text);
  if (unix !== null) {
    const ms = Number(unix[1]) * 1000 + Math.floor(Number(`0.${unix[2] ?? "0"}`) * 1000);
    return ms === 0 ? undefined : ms;
  }
  const pretty = PRETTY.exec(text);
  if (pretty === null) {
    throw new SystemctlOutputError(
      "systemctl show",
      `${property}: expected a timestamp such as "@1795452480" or "Mon 2026-11-23 16:47:25 UTC", got ${quoteLine(text)}`,
    );
  }
  const [year, month, day, hour, minute, second] = pretty.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const time = { year, month, day, hour, minute, second };
  const zone = pretty[7];
  return zone === undefined || !UTC_ZONES.has(zone) ? localTime(time) : Date.UTC(year, month - 1, day, hour, minute, second);
}
