import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";
import { agentId, timestampMs } from "../../shared/protocol/primitives.ts";
import { labelMatchers } from "../rules/label-matchers.ts";
import { ruleName } from "../rules/rule-schema.ts";

/**
 * Schemas of the silences API (POST/GET /api/v1/silences, DELETE /api/v1/silences/:id), shared by
 * the hub's routes and the `vigil silence` CLI. Timestamps are milliseconds since the epoch.
 */

export const SILENCE_KINDS = ["silence", "maintenance"] as const;
export const MAX_SILENCE_MS = 366 * 86_400_000;

/** What a silence covers: every given criterion must match (at least one is required). */
export const silenceMatchers = z
  .strictObject({
    /** Agent ids. */
    hosts: z.array(agentId).min(1).optional(),
    /** Rule names. */
    rules: z.array(ruleName).min(1).optional(),
    /** Matchers on the alert's labels (the series' labels), as in rules. */
    labels: labelMatchers.optional(),
    /** Matchers on the host's labels. */
    hostLabels: labelMatchers.optional(),
  })
  .refine((m) => m.hosts !== undefined || m.rules !== undefined || m.labels !== undefined || m.hostLabels !== undefined, {
    error: "expected at least one of hosts, rules, labels or hostLabels (a silence of every alert is refused)",
  });
export type SilenceMatchers = z.infer<typeof silenceMatchers>;

/** POST /api/v1/silences */
export const createSilenceRequest = z
  .strictObject({
    kind: z.enum(SILENCE_KINDS).default("silence"),
    matchers: silenceMatchers,
    /** Default: now. A maintenance window can start later. */
    startsAt: timestampMs.optional(),
    /** Exactly one of endsAt and duration. */
    endsAt: timestampMs.optional(),
    duration: duration({ min: "1m", max: "366d" }).optional(),
    comment: z.string().trim().min(1, { error: "is required: say why (it is shown with every muted alert)" }).max(500),
    createdBy: z.string().min(1).max(100).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.endsAt === undefined) === (r.duration === undefined)) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "expected exactly one of endsAt and duration" });
    }
  });
export type CreateSilenceRequest = z.input<typeof createSilenceRequest>;

export const silenceStatus = z.enum(["pending", "active", "expired"]);
export type SilenceStatus = z.infer<typeof silenceStatus>;

export const silenceView = z.object({
  id: z.string(),
  kind: z.enum(SILENCE_KINDS),
  matchers: silenceMatchers,
  startsAt: z.number(),
  endsAt: z.number(),
  comment: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  /** Set when it was ended early (DELETE, `vigil silence expire`). */
  expiredAt: z.number().nullable(),
  status: silenceStatus,
});
export type SilenceView = z.infer<typeof silenceView>;

export const silenceList = z.object({ silences: z.array(silenceView) });
export type SilenceList = z.infer<typeof silenceList>;

/** The answer of POST and DELETE. */
export const silenceAnswer = z.object({ silence: silenceView });
export type SilenceAnswer = z.infer<typeof silenceAnswer>;
