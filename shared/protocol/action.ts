import { z } from "zod";
import { actionName, agentId, timestampMs } from "./primitives.ts";

export const actionParamValue = z.union([z.string().max(4096), z.number(), z.boolean()]);

/**
 * A request from the hub to run one whitelisted action on one agent. The signature covers every
 * field but itself (shared/actions/signing.ts); the agent refuses unsigned, expired and replayed requests.
 */
export const actionRequest = z.object({
  requestId: z.uuid(),
  agentId,
  action: actionName,
  params: z.record(z.string().max(64), actionParamValue).default({}),
  /** Required for caution and danger actions; recorded in the audit. */
  reason: z.string().max(1000).optional(),
  /** Danger actions run only with an explicit confirm. */
  confirm: z.boolean().default(false),
  /** Who asked: `user:<name>`, `rule:<name>`, `mcp:<client>`. */
  initiator: z.string().min(1).max(200),
  /** The initiator's role at the hub, signed with the rest: danger actions run only for `admin`. */
  role: z.enum(["admin", "operator"]).optional(),
  issuedAt: timestampMs,
  expiresAt: timestampMs,
  dryRun: z.boolean().default(false),
  /**
   * The W3C trace context of the hub's span for this request, so the agent's span joins its trace
   * (docs/telemetry.md). Outside the signature (shared/actions/signing.ts): it decides nothing, and an
   * agent checks it only for shape; an invalid one starts a new trace, it never refuses a request.
   */
  traceparent: z.string().max(256).optional(),
  signature: z.object({
    algorithm: z.enum(["hmac-sha256", "ed25519"]),
    value: z.base64(),
  }),
});
export type ActionRequest = z.infer<typeof actionRequest>;

export const actionStatus = z.enum(["succeeded", "failed", "refused", "timed_out", "dry_run"]);

export const actionResult = z.object({
  requestId: z.uuid(),
  agentId,
  action: actionName,
  status: actionStatus,
  /** Why a request was refused, as a stable code (ACTION_NOT_WHITELISTED, REQUEST_EXPIRED, ...). */
  refusal: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The argv that ran (or would run, for a dry run); never passed through a shell. */
  argv: z.array(z.string()).default([]),
  exitCode: z.int().nullable(),
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  outputTruncated: z.boolean().default(false),
  startedAt: timestampMs,
  durationMs: z.number().nonnegative(),
});
export type ActionResult = z.infer<typeof actionResult>;
