import { describeValue } from "../../../shared/validation/issues.ts";

export type TimestampResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * Numbers below this are epoch seconds, at or above it epoch milliseconds: 1e11 seconds is the year
 * 5138, 1e11 milliseconds is March 1973, so neither reading of a real recent timestamp is ambiguous.
 */
const SECONDS_BELOW = 1e11;
/** 1e14 ms is the year 5138 again: larger numbers are microseconds or nanoseconds, which we refuse rather than guess. */
const MILLISECONDS_BELOW = 1e14;

const NUMERIC = /^\d+(?:\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reasons end up in a 64-character state (vigil_probe_message) after the JSON path or command: what
 * was wrong comes first, the formats accepted (documented in docs/collectors.md) after.
 */
const EXPECTED = "(expected epoch s or ms, or ISO 8601 with a zone)";

/**
 * A timestamp as a JSON field or a command prints it: epoch seconds (`1767225600`, `1767225600.25`),
 * epoch milliseconds (`1767225600250`), as numbers or digit strings, or ISO 8601 with a zone
 * (`2026-01-01T00:00:00Z`, `2025-05-10T08:06:48.639712648-07:00`). An ISO time without a zone is
 * refused: read as UTC or as local time it could be hours off, and a freshness check must not guess.
 * Written by hand because `Date.parse` also accepts formats such as "March 7" and reads zone-less
 * times as local time.
 */
export function parseTimestamp(value: unknown): TimestampResult {
  if (typeof value === "number") return fromEpochNumber(value, String(value));
  if (typeof value !== "string") return { ok: false, reason: `not a timestamp: ${describeValue(value)} ${EXPECTED}` };
  const text = value.trim();
  if (NUMERIC.test(text)) return fromEpochNumber(Number(text), text);
  const m = ISO.exec(text);
  if (m === null) return { ok: false, reason: `not a timestamp: ${describeValue(value)} ${EXPECTED}` };
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  if (hour === undefined) return { ok: false, reason: `${JSON.stringify(text)} is a date without a time` };
  if (zone === undefined) return { ok: false, reason: `${JSON.stringify(text)} has no time zone (add Z or an offset like +02:00)` };
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0)] as const;
  const utc = Date.UTC(...fields);
  const back = new Date(utc);
  const roundTrips =
    back.getUTCFullYear() === fields[0] &&
    back.getUTCMonth() === fields[1] &&
    back.getUTCDate() === fields[2] &&
    back.getUTCHours() === fields[3] &&
    back.getUTCMinutes() === fields[4] &&
    back.getUTCSeconds() === fields[5];
  if (!roundTrips) return { ok: false, reason: `${JSON.stringify(text)} is not a valid date and time` };
  const fractionMs = fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000;
  return { ok: true, ms: utc + fractionMs - zoneOffsetMs(zone) };
}

function fromEpochNumber(n: number, shown: string): TimestampResult {
  if (!Number.isFinite(n) || n < 0) return { ok: false, reason: `not a timestamp: ${shown} ${EXPECTED}` };
  if (n < SECONDS_BELOW) return { ok: true, ms: n * 1000 };
  if (n < MILLISECONDS_BELOW) return { ok: true, ms: n };
  return { ok: false, reason: `${shown} is too large for epoch s or ms (µs and ns are refused)` };
}

/** `Z` -> 0; `+05:30`, `+0530`, `-07` -> the offset from UTC in milliseconds. */
function zoneOffsetMs(zone: string): number {
  if (zone === "Z" || zone === "z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0")) * 60_000;
}
