import { z } from "zod";
import { actionName, agentId } from "../protocol/primitives.ts";

/**
 * The refusal codes of actions, stable strings for scripts and the audit. Most come from the
 * agent, which is the enforcement point; HOST_NOT_FOUND and REQUEST_EXPIRED (never fetched) can also
 * come from the hub.
 */
export const REFUSAL_CODES = [
  "ACTION_NOT_WHITELISTED",
  "SIGNATURE_MISSING",
  "SIGNATURE_INVALID",
  "REQUEST_INVALID",
  "REQUEST_EXPIRED",
  "REQUEST_REPLAYED",
  "AGENT_CLOCK_SKEW",
  "PARAM_INVALID",
  "CONFIRM_REQUIRED",
  "REASON_REQUIRED",
  "ADMIN_REQUIRED",
  "TARGET_BUSY",
  "HOST_NOT_FOUND",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Parameter values as the operator gives them; integers are sent as numbers or decimal strings. */
export const actionParams = z.record(
  z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, { error: "parameter names are letters, digits and '_', starting with a letter" }),
  z.union([z.string().max(4096), z.int(), z.boolean()], { error: "expected a string, an integer or a boolean" }),
);

/** POST /api/v1/actions: what an operator (or a rule, later) asks the hub to run. */
export const runActionRequest = z.strictObject({
  agentId,
  action: actionName,
  params: actionParams.default({}),
  /** Recorded in both audits; required by the agent for caution and danger actions. */
  reason: z.string().min(1).max(1000).optional(),
  /** Danger actions run only with this set. */
  confirm: z.boolean().default(false),
  /** Check everything and report the argv that would run, without running it. */
  dryRun: z.boolean().default(false),
  /** How long the hub waits for the agent's result before answering 202 with the request still open. */
  waitMs: z.int().min(0).max(600_000).optional(),
  /** How long the signed request stays valid; the agent refuses it afterwards. Default: the hub's actions.requestTtl. */
  ttlMs: z.int().min(1000).max(3_600_000).optional(),
});
export type RunActionRequest = z.input<typeof runActionRequest>;

export const actionRecordStatus = z.enum([
  /** Signed and waiting for the agent to fetch it. */
  "queued",
  /** Handed to the agent's long poll; the agent has not confirmed it yet (it may never have arrived). */
  "delivered",
  /** The agent confirmed it has the request (docs/actions.md, delivery); no result yet. */
  "confirmed",
  "succeeded",
  "failed",
  "timed_out",
  "dry_run",
  "refused",
  /** Not fetched, or handed over but never confirmed by the agent, before it expired. */
  "expired",
]);
export type ActionRecordStatus = z.infer<typeof actionRecordStatus>;

/** One row of the hub's action audit, as the API returns it. */
export const actionRecord = z.object({
  id: z.int(),
  requestId: z.string(),
  agentId: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  reason: z.string().nullable(),
  confirm: z.boolean(),
  dryRun: z.boolean(),
  initiator: z.string(),
  role: z.string(),
  issuedAt: z.int(),
  expiresAt: z.int(),
  status: actionRecordStatus,
  /** Which end refused: "hub" or "agent"; null unless refused. */
  refusedBy: z.enum(["hub", "agent"]).nullable(),
  refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
  argv: z.array(z.string()),
  exitCode: z.int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  outputTruncated: z.boolean(),
  startedAt: z.int().nullable(),
  durationMs: z.number().nullable(),
  /** When a poll last took it (it is handed over again when the agent does not confirm it). */
  deliveredAt: z.int().nullable(),
  /** When the agent confirmed it has the request (its next poll's ack, or its result). Optional: hubs before confirmation lack it. */
  confirmedAt: z.int().nullable().optional(),
  /** How many times a poll took it: more than 1 when a delivery was not confirmed and it was handed over again. */
  deliveries: z.int().optional(),
  finishedAt: z.int().nullable(),
  /** e.g. "the agent reported a second result for this request (a replay)". */
  note: z.string().nullable(),
});
export type ActionRecord = z.infer<typeof actionRecord>;

/** GET /api/v1/actions: newest first. */
export const actionLog = z.object({ actions: z.array(actionRecord) });
export type ActionLog = z.infer<typeof actionLog>;

/** GET /api/v1/actions/public-key: what agents put in actions.hubPublicKey. */
export const actionPublicKey = z.object({ algorithm: z.literal("ed25519"), publicKey: z.string() });
export type ActionPublicKey = z.infer<typeof actionPublicKey>;

/** Statuses after which nothing more happens to a request. */
export const FINAL_STATUSES: ReadonlySet<ActionRecordStatus> = new Set([
  "succeeded",
  "failed",
  "timed_out",
  "dry_run",
  "refused",
  "expired",
]);
