import { z } from "zod";

/**
 * The hub's answer to GET /api/v1/failover/:group/lease, as far as `run-if-active` needs it. The hub
 * defines the full answer (hub/failover/api.ts); this reads the same fields without importing hub
 * code into the agent, and ignores fields a newer hub adds. A test checks the two agree.
 */
export const leaseAnswer = z.object({
  group: z.string(),
  member: z.string(),
  role: z.enum(["primary", "fallback"]),
  active: z.boolean(),
  epoch: z.int().positive(),
  activeMember: z.string(),
  leaseMs: z.int().positive().nullable(),
  retryAfterMs: z.int().nullable(),
  unreachable: z.enum(["primary-runs", "none-run"]),
  reason: z.string(),
});
export type AgentLeaseAnswer = z.infer<typeof leaseAnswer>;
