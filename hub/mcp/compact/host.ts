import { z } from "zod";
import type { HostSummary } from "../../../shared/api/hosts.ts";

export const compactHost = z.object({
  id: z.string(),
  hostname: z.string(),
  status: z.enum(["up", "down"]),
  /** Seconds since the last batch (or scrape) arrived. */
  lastSeenSecondsAgo: z.number(),
  lastSeen: z.int(),
  agentVersion: z.string(),
  labels: z.record(z.string(), z.string()),
  mode: z.enum(["push", "pull"]).optional(),
});
export type CompactHost = z.infer<typeof compactHost>;

/** A host summary without the fields only the agent needs (boot id, sequence). Pure. */
export function toCompactHost(h: HostSummary, now: number): CompactHost {
  return {
    id: h.id,
    hostname: h.hostname,
    status: h.status,
    lastSeenSecondsAgo: Math.max(0, Math.round((now - h.lastSeen) / 1000)),
    lastSeen: h.lastSeen,
    agentVersion: h.agentVersion,
    labels: h.labels,
    ...(h.mode ? { mode: h.mode } : {}),
  };
}

/** "12 s ago", "5 min ago", "3 h ago". */
export function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
