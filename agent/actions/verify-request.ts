import type { KeyObject } from "node:crypto";
import { verifyActionSignature } from "../../shared/actions/signing.ts";
import type { ActionRequest } from "../../shared/protocol/action.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { issuesToText } from "../../shared/validation/issues.ts";
import { type Checked, refuse } from "./refusal.ts";

export interface VerifyContext {
  publicKey: KeyObject;
  /** This agent's id: a request addressed to another agent is refused. */
  agentId: string;
  now: number;
  maxClockSkewMs: number;
  maxLifetimeMs: number;
}

/**
 * Checks what arrived from the hub before anything else looks at it: an action_request envelope,
 * signed by the hub's key over every field, addressed to this agent, within its validity window.
 * Pure: the replay check (which needs the nonce store) comes after, so a forged request cannot use
 * up a request id.
 */
export function verifyRequest(envelope: unknown, ctx: VerifyContext): Checked<ActionRequest> {
  const payload = payloadOf(envelope);
  if (payload !== undefined && (payload.signature === undefined || payload.signature === null)) {
    return refuse("SIGNATURE_MISSING", "the request is not signed: the agent runs only requests signed by the hub's key");
  }
  const parsed = parseEnvelope("action_request", envelope);
  if (!parsed.ok) return refuse("REQUEST_INVALID", `not a valid action request: ${issuesToText(parsed.issues.slice(0, 3))}`);
  const request = parsed.value.payload;
  if (request.signature.algorithm !== "ed25519") {
    return refuse(
      "SIGNATURE_INVALID",
      `signed with ${request.signature.algorithm}: this agent accepts ed25519 signatures by the hub's key only`,
    );
  }
  if (!verifyActionSignature(request, ctx.publicKey)) {
    return refuse("SIGNATURE_INVALID", "the signature does not match the request and the hub's key (actions.hubPublicKey)");
  }
  if (request.agentId !== ctx.agentId) {
    return refuse("REQUEST_INVALID", `agentId: the request is addressed to "${request.agentId}", not to this agent ("${ctx.agentId}")`);
  }
  const lifetime = request.expiresAt - request.issuedAt;
  if (lifetime <= 0) return refuse("REQUEST_INVALID", "expiresAt: not after issuedAt");
  if (lifetime > ctx.maxLifetimeMs) {
    return refuse(
      "REQUEST_INVALID",
      `expiresAt: valid for ${lifetime} ms, longer than actions.maxRequestLifetime (${ctx.maxLifetimeMs} ms)`,
    );
  }
  if (ctx.now > request.expiresAt) {
    return refuse(
      "REQUEST_EXPIRED",
      `expired ${ctx.now - request.expiresAt} ms ago (at ${new Date(request.expiresAt).toISOString()}, by this agent's clock)`,
    );
  }
  if (request.issuedAt > ctx.now + ctx.maxClockSkewMs) {
    return refuse(
      "AGENT_CLOCK_SKEW",
      `issued ${request.issuedAt - ctx.now} ms in this agent's future, more than actions.maxClockSkew (${ctx.maxClockSkewMs} ms): check both clocks (NTP)`,
    );
  }
  return { ok: true, value: request };
}

/** What the audit can say about a request that was refused before it could be parsed: the fields that look right. */
export interface RawRequestFields {
  requestId: string;
  action: string;
  params: Record<string, unknown>;
  initiator: string;
  reason: string | null;
}

export function rawRequestFields(envelope: unknown): RawRequestFields {
  const p = payloadOf(envelope) ?? {};
  const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  const params = p.params !== null && typeof p.params === "object" && !Array.isArray(p.params) ? (p.params as Record<string, unknown>) : {};
  return {
    requestId: str(p.requestId, 64),
    action: str(p.action, 64),
    params,
    initiator: str(p.initiator, 200),
    reason: typeof p.reason === "string" ? p.reason.slice(0, 1000) : null,
  };
}

function payloadOf(envelope: unknown): Record<string, unknown> | undefined {
  if (envelope === null || typeof envelope !== "object") return undefined;
  const payload = (envelope as { payload?: unknown }).payload;
  return payload !== null && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
}
