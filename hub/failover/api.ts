import { z } from "zod";

/**
 * The failover API's bodies (GET /api/v1/failover[/:group], the pin, the lease), as zod schemas: the
 * routes type their answers with them and `vigil failover` validates what it receives.
 */

export const memberView = z.object({
  name: z.string(),
  host: z.string(),
  kind: z.enum(["ollama", "openai", "http", "job"]),
  /** The endpoint, credentials removed; null for jobs. */
  url: z.string().nullable(),
  job: z.string().nullable(),
  role: z.enum(["primary", "fallback"]),
  status: z.enum(["unknown", "up", "down"]),
  failures: z.int(),
  successes: z.int(),
  healthySince: z.int().nullable(),
  lastCheckAt: z.int().nullable(),
  /** What the last check said. */
  detail: z.string().nullable(),
});
export type MemberView = z.infer<typeof memberView>;

export const pinView = z.object({ member: z.string(), until: z.int(), by: z.string(), reason: z.string().nullable() });

export const historyView = z.object({
  epoch: z.int(),
  from: z.string().nullable(),
  to: z.string(),
  at: z.int(),
  cause: z.enum(["initial", "failover", "failback", "pin", "config"]),
  reason: z.string(),
});
export type HistoryView = z.infer<typeof historyView>;

export const groupStatus = z.object({
  group: z.string(),
  /** The active member's name. */
  active: z.string(),
  activeHost: z.string(),
  /** The fencing token: incremented by every switch, never reused. */
  epoch: z.int().positive(),
  /** When the active member became active. */
  since: z.int(),
  reason: z.string(),
  /** False while the active member is down and not recovering, and no other member can serve (the proxy answers 503). */
  available: z.boolean(),
  failback: z.enum(["auto", "manual"]),
  unreachable: z.enum(["primary-runs", "none-run"]),
  leaseMs: z.int(),
  proxy: z.boolean(),
  pin: pinView.nullable(),
  members: z.array(memberView),
  /** Newest first; only in GET /api/v1/failover/:group. */
  history: z.array(historyView).optional(),
});
export type GroupStatus = z.infer<typeof groupStatus>;

export const groupList = z.object({ groups: z.array(groupStatus) });
export type GroupList = z.infer<typeof groupList>;

/** POST /api/v1/failover/:group/pin */
export const pinRequest = z
  .strictObject({
    member: z.string().min(1).max(64),
    /** When the pin ends (ms since the epoch) ... */
    until: z.int().positive().optional(),
    /** ... or how long it lasts, in ms. */
    durationMs: z.int().positive().optional(),
    reason: z.string().min(1).max(500).optional(),
    /** Who pins (recorded and shown). */
    by: z.string().min(1).max(64).optional(),
  })
  .refine((p) => (p.until === undefined) !== (p.durationMs === undefined), {
    error: "give one of until and durationMs: a pin always ends",
    path: ["until"],
  });
export type PinRequest = z.input<typeof pinRequest>;

/** Longest pin accepted: an override is meant to end. */
export const MAX_PIN_MS = 30 * 86_400_000;

/** GET /api/v1/failover/:group/lease?agent=<id>[&member=<name>]: may this host act as the active member now? */
export const leaseAnswer = z.object({
  group: z.string(),
  agentId: z.string(),
  /** The member of this host the answer is about. */
  member: z.string(),
  role: z.enum(["primary", "fallback"]),
  active: z.boolean(),
  /** The epoch the answer was given in; pass it on with whatever the job writes. */
  epoch: z.int().positive(),
  activeMember: z.string(),
  /** Until when (hub clock) the host may act as active; null when not active. */
  leaseExpiresAt: z.int().nullable(),
  /** The same as a duration, so a host need not share the hub's clock. */
  leaseMs: z.int().nullable(),
  /** When not active but it may soon be (waiting for the previous member's lease): ask again after this. */
  retryAfterMs: z.int().nullable(),
  unreachable: z.enum(["primary-runs", "none-run"]),
  reason: z.string(),
});
export type LeaseAnswer = z.infer<typeof leaseAnswer>;
