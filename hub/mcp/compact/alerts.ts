import { z } from "zod";
import type { AlertHistoryEntry, AlertView } from "../../rules/alerts-api.ts";

export const compactAlert = z.object({
  fingerprint: z.string(),
  rule: z.string(),
  state: z.enum(["pending", "firing", "resolved"]),
  severity: z.string().nullable(),
  host: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  observedState: z.string().nullable(),
  /** When it started firing, or pending, or resolved (ms since the epoch). */
  since: z.number().nullable(),
  summary: z.string().optional(),
  mutedBy: z.string().optional(),
});
export type CompactAlert = z.infer<typeof compactAlert>;

export const compactTransition = z.object({
  at: z.number(),
  rule: z.string(),
  host: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  severity: z.string().nullable(),
  value: z.number().nullable(),
});
export type CompactTransition = z.infer<typeof compactTransition>;

/** An alert as the assistant needs it: what, where, how bad, since when. Pure. */
export function toCompactAlert(a: AlertView): CompactAlert {
  const since = a.state === "firing" ? a.firingSince : a.state === "pending" ? a.pendingSince : a.resolvedAt;
  return {
    fingerprint: a.fingerprint,
    rule: a.rule,
    state: a.state,
    severity: a.severity,
    host: a.hostId,
    labels: a.labels,
    value: a.value,
    threshold: a.threshold,
    observedState: a.observedState,
    since,
    ...(a.annotations.summary === undefined ? {} : { summary: a.annotations.summary }),
    ...(a.mutedBy ? { mutedBy: `${a.mutedBy.kind} ${a.mutedBy.id}` } : {}),
  };
}

export function toCompactTransition(h: AlertHistoryEntry): CompactTransition {
  return {
    at: h.at,
    rule: h.rule,
    host: h.hostId,
    labels: h.labels,
    from: h.from,
    to: h.to,
    reason: h.reason,
    severity: h.severity,
    value: h.value,
  };
}

/** `gpu-temperature on gpu-box {gpu=0} (critical, 91)`. */
export function describeAlert(a: CompactAlert): string {
  const labels = Object.entries(a.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const what = [a.severity, a.value ?? a.observedState].filter((x) => x !== null && x !== undefined).join(", ");
  return `${a.rule}${a.host ? ` on ${a.host}` : ""}${labels ? ` {${labels}}` : ""}${what ? ` (${what})` : ""}`;
}
