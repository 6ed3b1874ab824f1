import { z } from "zod";
import { agentId } from "../protocol/primitives.ts";

/** POST /api/v1/enroll (Authorization: Bearer <enrollment token>): an agent asks for its own token. */
export const enrollRequest = z.object({
  agentId,
  hostname: z.string().min(1).max(253),
});
export type EnrollRequest = z.infer<typeof enrollRequest>;

/** POST /api/v1/hosts (admin): the operator registers an agent id before it first reports (`vigil hosts add`). */
export const addHostRequest = z.object({ id: agentId });
export type AddHostRequest = z.infer<typeof addHostRequest>;

/**
 * The 201 answer of both: the agent's token, shown this once (the hub keeps only its SHA-256).
 * The agent sends it as `Authorization: Bearer <token>` and may then send as `agentId` only.
 */
export const issuedAgentToken = z.object({
  agentId: z.string(),
  token: z.string().min(1),
});
export type IssuedAgentToken = z.infer<typeof issuedAgentToken>;

/** DELETE /api/v1/hosts/:id (admin, `vigil hosts remove`) and DELETE /api/v1/hosts/:id/token (`vigil hosts revoke`). */
export const hostRemoval = z.object({
  id: z.string(),
  /** The host and everything stored for it were deleted. */
  hostRemoved: z.boolean(),
  /** Its issued token was revoked: it can no longer send. */
  tokenRevoked: z.boolean(),
});
export type HostRemoval = z.infer<typeof hostRemoval>;
