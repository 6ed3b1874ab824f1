import { describeValue } from "../../shared/validation/issues.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";

/*
 * The few fields the agent reads from the hub's answers, checked by hand rather than with the zod
 * schemas (ingestAck, issuedAgentToken, errorBody): those would keep zod loaded in the agent for its
 * whole life (~6 MB of its 60 MB target, docs/benchmarks.md) to read four fields. Each check names the
 * field and what was wrong; fields the agent does not read are not checked (the hub is the one that
 * validates its own answers against the schemas, in its tests).
 */

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

function field(parent: unknown, key: string): unknown {
  return typeof parent === "object" && parent !== null && !Array.isArray(parent) ? (parent as Record<string, unknown>)[key] : undefined;
}

function refused(path: string, what: string, got: unknown): { ok: false; reason: string } {
  return { ok: false, reason: `${path}: ${got === undefined ? `is required (${what})` : `${what}, got ${describeValue(got)}`}` };
}

/** The `ingest_ack` envelope: the sequence acknowledged and whether the hub had it already. */
export function readIngestAck(answer: unknown): Read<{ sequence: number; duplicate: boolean }> {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) return refused("(answer)", "expected a JSON object", answer);
  const version = field(answer, "protocolVersion");
  if (version !== PROTOCOL_VERSION) return refused("protocolVersion", `expected ${PROTOCOL_VERSION}`, version);
  const kind = field(answer, "kind");
  if (kind !== "ingest_ack") return refused("kind", 'expected "ingest_ack"', kind);
  const payload = field(answer, "payload");
  const sequence = field(payload, "sequence");
  if (typeof sequence !== "number" || !Number.isSafeInteger(sequence) || sequence < 1) {
    return refused("payload.sequence", "expected a positive integer", sequence);
  }
  const duplicate = field(payload, "duplicate");
  if (typeof duplicate !== "boolean") return refused("payload.duplicate", "expected true or false", duplicate);
  return { ok: true, value: { sequence, duplicate } };
}

/** The answer to `POST /api/v1/enroll`: the agent id the token is for, and the token. */
export function readIssuedToken(answer: unknown): Read<{ agentId: string; token: string }> {
  const agentId = field(answer, "agentId");
  if (typeof agentId !== "string") return refused("agentId", "expected a string", agentId);
  const token = field(answer, "token");
  if (typeof token !== "string" || token === "") return refused("token", "expected a non-empty string", token);
  return { ok: true, value: { agentId, token } };
}

/** ` CODE: message` from an error body (shared/api/error-body.ts), or "" when the body is not one. */
export function errorDetail(text: string): string {
  const error = field(parseJson(text), "error");
  const code = field(error, "code");
  const message = field(error, "message");
  return typeof code === "string" && code !== "" && typeof message === "string" ? ` ${code}: ${message.slice(0, 300)}` : "";
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
