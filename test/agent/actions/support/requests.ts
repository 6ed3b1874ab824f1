import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { signActionRequest, type UnsignedActionRequest } from "../../../../shared/actions/signing.ts";
import { wrap } from "../../../../shared/protocol/envelope.ts";

/** The tests' clock: 2026-11-23T12:00:00Z. */
export const T0 = Date.parse("2026-11-23T12:00:00.000Z");

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newKeys(): KeyPair {
  return generateKeyPairSync("ed25519");
}

/** An unsigned request for agent "gpu-1", valid for a minute from T0; override any field. */
export function unsignedRequest(o: Partial<UnsignedActionRequest> = {}): UnsignedActionRequest {
  return {
    requestId: randomUUID(),
    agentId: "gpu-1",
    action: "restart-unit",
    params: { unit: "ollama-gpu.service" },
    reason: "model stuck",
    confirm: false,
    initiator: "user:alice",
    role: "operator",
    issuedAt: T0,
    expiresAt: T0 + 60_000,
    dryRun: false,
    ...o,
  };
}

/** The action_request envelope the hub would send, signed with `key`. */
export function signedEnvelope(key: KeyObject, o: Partial<UnsignedActionRequest> = {}): unknown {
  return JSON.parse(JSON.stringify(wrap("action_request", signActionRequest(unsignedRequest(o), key))));
}
