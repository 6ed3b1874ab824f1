/** Bucket sizes of the hub's storage: raw samples are filed by minute, rollups by minute and hour. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const MINUTES_PER_HOUR = 60;

export function minuteOf(timestampMs: number): number {
  return Math.floor(timestampMs / MINUTE_MS);
}

export function hourOf(timestampMs: number): number {
  return Math.floor(timestampMs / HOUR_MS);
}

export function hourOfMinute(minute: number): number {
  return Math.floor(minute / MINUTES_PER_HOUR);
}
