/** Up or down, from heartbeat staleness. */
export type HostStatus = "up" | "down";

/**
 * The interval at which a host's heartbeat is expected: its push interval, or for a host the hub
 * scrapes, the longer of that and the scrape interval (a scrape can bring nothing newer than that).
 */
export function heartbeatIntervalMs(pushIntervalMs: number, pullIntervalMs: number | undefined): number {
  return pullIntervalMs === undefined ? pushIntervalMs : Math.max(pushIntervalMs, pullIntervalMs);
}

/** How long after its last heartbeat a host turns down: `missed` whole intervals. */
export function downAfterMs(intervalMs: number, missed: number): number {
  return intervalMs * missed;
}

/** A host is up while its last heartbeat is at most `missed` intervals old (so, by default, three missed ones make it down). */
export function hostStatus(lastSeen: number, now: number, intervalMs: number, missed: number): HostStatus {
  return now - lastSeen <= downAfterMs(intervalMs, missed) ? "up" : "down";
}
