import { z } from "zod";

/** One row of the remediation log, as GET /api/v1/remediation returns it. */
export const remediationEntry = z.object({
  id: z.int(),
  at: z.int(),
  /** run: an automatic request; paused: a firing not acted on (silence, maintenance); gave_up: escalated. */
  kind: z.enum(["run", "paused", "gave_up"]),
  rule: z.string(),
  fingerprint: z.string(),
  hostId: z.string().nullable(),
  /** The agent asked to act; null when the request could not be made (a template the alert could not fill). */
  agentId: z.string().nullable(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** Runs: running, then the action's final status (succeeded, failed, refused, timed_out, expired), or interrupted. */
  status: z.string().nullable(),
  /** The action request, in the action audit (vigil action log --request <id>). */
  requestId: z.string().nullable(),
  exitCode: z.int().nullable(),
  durationMs: z.number().nullable(),
  finishedAt: z.int().nullable(),
  detail: z.string(),
  /** gave_up: the fingerprint of the critical notification it sent, and when that resolved. */
  escalationFingerprint: z.string().nullable(),
  resolvedAt: z.int().nullable(),
});
export type RemediationEntry = z.infer<typeof remediationEntry>;

/** A rule with remediation, its limits in effect (its own settings over remediation.defaults). */
export const remediationRuleView = z.object({
  rule: z.string(),
  builtin: z.boolean(),
  action: z.string(),
  /** From remediation.actions. */
  risk: z.string().nullable(),
  host: z.string(),
  params: z.record(z.string(), z.unknown()),
  maxRuns: z.int(),
  windowMs: z.int(),
  backoffMs: z.int(),
  verifyAfterMs: z.int(),
});
export type RemediationRuleView = z.infer<typeof remediationRuleView>;

/** GET /api/v1/remediation */
export const remediationOverview = z.object({
  enabled: z.boolean(),
  rules: z.array(remediationRuleView),
  entries: z.array(remediationEntry),
});
export type RemediationOverview = z.infer<typeof remediationOverview>;
