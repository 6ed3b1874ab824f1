import type { KeyObject } from "node:crypto";
import type { ActionRequest } from "../protocol/action.ts";
import { canonicalJson } from "./canonical-json.ts";

/** An action request before it is signed: every field the signature covers. */
export type UnsignedActionRequest = Omit<ActionRequest, "signature">;

/**
 * Prefixed to the signed text so a signature made for an action request can never be passed off as
 * one over some other Vigil message that happens to serialise alike (domain separation).
 */
const DOMAIN = "vigil-action-request-v1\n";

/**
 * node:crypto taken on first use, not with an ES-module import: this module is reached at every agent
 * start through the config schema (actions' public key), and an ESM import of node:crypto loads all of
 * its internals (~1 MB RSS in the agent, docs/benchmarks.md) for an agent that may have no actions.
 */
function crypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

/**
 * The bytes the hub signs and the agent verifies: the canonical JSON of every field of the request
 * but the signature. Absent optional fields are written as null, so "no reason" and "reason: null"
 * cannot be told apart by the signature, and a field added to the request cannot be dropped in
 * transit without breaking it.
 *
 * `traceparent` is the one field left out, on purpose. It only says which trace the agent's span
 * joins, and tracing must never decide whether an action runs: signed, it would make every agent
 * older than its hub refuse each traced request (their payload lacks the field), and a hub with
 * tracing switched on would stop being able to act. Whoever could alter it in transit could at most
 * file a span under another trace id; and requests travel over the agent's authenticated connection.
 */
export function signingPayload(request: UnsignedActionRequest): Buffer {
  const signed = {
    requestId: request.requestId,
    agentId: request.agentId,
    action: request.action,
    params: request.params,
    reason: request.reason ?? null,
    confirm: request.confirm,
    initiator: request.initiator,
    role: request.role ?? null,
    issuedAt: request.issuedAt,
    expiresAt: request.expiresAt,
    dryRun: request.dryRun,
  };
  return Buffer.from(DOMAIN + canonicalJson(signed), "utf8");
}

/** Signs a request with the hub's Ed25519 private key. */
export function signActionRequest(request: UnsignedActionRequest, privateKey: KeyObject): ActionRequest {
  const value = crypto().sign(null, signingPayload(request), privateKey).toString("base64");
  return { ...request, signature: { algorithm: "ed25519", value } };
}

/** True when `request` carries a valid Ed25519 signature by `publicKey` over all its fields. */
export function verifyActionSignature(request: ActionRequest, publicKey: KeyObject): boolean {
  if (request.signature.algorithm !== "ed25519") return false;
  const { signature: _signature, ...unsigned } = request;
  try {
    return crypto().verify(null, signingPayload(unsigned), publicKey, Buffer.from(request.signature.value, "base64"));
  } catch {
    // A value that cannot be serialised canonically (a float parameter) was never signed by the hub.
    return false;
  }
}

const PUBLIC_KEY_PREFIX = "ed25519:";

/** The text form of an Ed25519 public key in config and API: `ed25519:` and the 32 raw bytes in base64. */
export function formatPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string") throw new TypeError("not an Ed25519 key");
  return PUBLIC_KEY_PREFIX + Buffer.from(jwk.x, "base64url").toString("base64");
}

/** Parses `ed25519:<base64>`; throws an Error that says what is wrong (never a partial key). */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PUBLIC_KEY_PREFIX)) throw new Error(`expected "${PUBLIC_KEY_PREFIX}" followed by the key in base64`);
  const b64 = trimmed.slice(PUBLIC_KEY_PREFIX.length);
  const raw = Buffer.from(b64, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || raw.length !== 32) {
    throw new Error("expected the 32-byte Ed25519 public key in base64 (44 characters), as 'vigil action key' prints it");
  }
  return crypto().createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}
