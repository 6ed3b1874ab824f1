/** How a state word is coloured: ok (green), warn (amber), bad (red), info (blue) or plain. */
export type Tone = "ok" | "warn" | "bad" | "info" | "";

const OK = new Set([
  "online",
  "up",
  "ok",
  "active",
  "running",
  "healthy",
  "succeeded",
  "avail",
  "enabled",
  "scrub_finished",
  "resilver_finished",
]);
const WARN = new Set([
  "degraded",
  "warning",
  "restarting",
  "activating",
  "deactivating",
  "reloading",
  "starting",
  "pending",
  "resilver_in_progress",
  "scrub_in_progress",
  "scrub_paused",
  "queued",
  "delivered",
  "confirmed",
  "dry_run",
  "stale",
  "inuse",
]);
const BAD = new Set([
  "faulted",
  "unavail",
  "removed",
  "suspended",
  "offline",
  "down",
  "failed",
  "unhealthy",
  "critical",
  "error",
  "dead",
  "refused",
  "timed_out",
  "expired",
  "timeout",
  "missing_model",
  "bad_status",
  "body_mismatch",
  "body_too_large",
  "invalid_response",
]);

/** The tone of a state as the collectors and the API write it (case does not matter); unknown words are plain. */
export function toneOf(state: string | null | undefined): Tone {
  if (state === undefined || state === null) return "";
  const s = state.toLowerCase();
  if (OK.has(s)) return "ok";
  if (WARN.has(s)) return "warn";
  if (BAD.has(s)) return "bad";
  return "";
}
