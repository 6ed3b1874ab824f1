import { MAX_SAMPLES_PER_BATCH, MAX_STATES_PER_BATCH, type SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";

/**
 * The hot path of ingest validation, written by hand: it accepts exactly what the shared zod schema
 * (shared/protocol/sample-batch.ts) accepts and returns the same value, or returns undefined, and the
 * route then runs the zod schema, which names the field and the reason. Why by hand: zod took
 * ~165 us of the ~1 ms a 100-sample batch costs the hub (label records alone ~half of it), the
 * largest item after SQLite; this takes ~17 us. test/hub/ingest-fast-check.test.ts holds the two to
 * the same answers on every field set to every edge value and on thousands of mutated batches. A
 * rule added to the schema must be added here too (else this may accept what the schema refuses).
 */
export function fastCheckBatchEnvelope(input: unknown): SampleBatch | undefined {
  if (!isObject(input) || input.protocolVersion !== PROTOCOL_VERSION || input.kind !== "sample_batch") return undefined;
  const p = input.payload;
  if (!isObject(p)) return undefined;
  const h = p.host;
  if (!isObject(h)) return undefined;
  const { agentId, hostname, agentVersion, bootId } = h;
  if (typeof agentId !== "string" || !AGENT_ID.test(agentId)) return undefined;
  if (!isText(hostname, 1, 253) || !isText(agentVersion, 1, 64) || !isText(bootId, 1, 64)) return undefined;
  const hostLabels = checkLabels(h.labels);
  if (!hostLabels) return undefined;
  const { sequence, sealedAt, pushIntervalMs } = p;
  if (!isInt(sequence) || sequence <= 0 || !isInt(sealedAt) || sealedAt < 0 || !isInt(pushIntervalMs) || pushIntervalMs <= 0)
    return undefined;
  if (!Array.isArray(p.samples) || p.samples.length > MAX_SAMPLES_PER_BATCH) return undefined;
  const samples: NumericSample[] = new Array(p.samples.length);
  for (let i = 0; i < p.samples.length; i++) {
    const s: unknown = p.samples[i];
    if (!isObject(s) || !isName(s.name) || !isInt(s.timestamp) || s.timestamp < 0) return undefined;
    if (typeof s.value !== "number" || !Number.isFinite(s.value)) return undefined;
    const labels = checkLabels(s.labels);
    if (!labels) return undefined;
    samples[i] = { name: s.name, labels, timestamp: s.timestamp, value: s.value };
  }
  const rawStates = p.states === undefined ? [] : p.states;
  if (!Array.isArray(rawStates) || rawStates.length > MAX_STATES_PER_BATCH) return undefined;
  const states: StateRecord[] = new Array(rawStates.length);
  for (let i = 0; i < rawStates.length; i++) {
    const s: unknown = rawStates[i];
    if (!isObject(s) || !isName(s.name) || !isInt(s.timestamp) || s.timestamp < 0 || !isText(s.state, 1, 64)) return undefined;
    const labels = checkLabels(s.labels);
    if (!labels) return undefined;
    states[i] = { name: s.name, labels, timestamp: s.timestamp, state: s.state };
  }
  return {
    host: { agentId, hostname, labels: hostLabels, agentVersion, bootId },
    sequence,
    sealedAt,
    pushIntervalMs,
    samples,
    states,
  };
}

// The shared schema's rules (shared/protocol/primitives.ts), one for one.
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const AGENT_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;
const MAX_NAME = 200;
const MAX_LABEL_VALUE = 1024;
const MAX_LABELS = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return Number.isSafeInteger(v);
}

function isText(v: unknown, min: number, max: number): v is string {
  return typeof v === "string" && v.length >= min && v.length <= max;
}

function isName(v: unknown): v is string {
  return typeof v === "string" && v.length <= MAX_NAME && NAME.test(v);
}

/** Labels: absent means none; an own `__proto__` key is refused, as the schema does. */
function checkLabels(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return {};
  if (!isObject(v) || Object.hasOwn(v, "__proto__")) return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    const value = v[key];
    if (!isName(key) || typeof value !== "string" || value.length > MAX_LABEL_VALUE) return undefined;
    out[key] = value;
    n++;
  }
  return n <= MAX_LABELS ? out : undefined;
}
