import { z } from "zod";
import { type FieldIssue, toFieldIssues } from "../validation/issues.ts";
import { actionRequest, actionResult } from "./action.ts";
import { alertEvent } from "./alert.ts";
import { agentSnapshot, samplePage } from "./pull.ts";
import { ingestAck, sampleBatch } from "./sample-batch.ts";
import { PROTOCOL_VERSION } from "./version.ts";

/** Every message kind on the wire and the schema of its payload: one table, used by both ends. */
export const payloadSchemas = {
  sample_batch: sampleBatch,
  ingest_ack: ingestAck,
  action_request: actionRequest,
  action_result: actionResult,
  alert_event: alertEvent,
  sample_page: samplePage,
  agent_snapshot: agentSnapshot,
} as const;

export type MessageKind = keyof typeof payloadSchemas;
export type Payload<K extends MessageKind> = z.infer<(typeof payloadSchemas)[K]>;
export type PayloadInput<K extends MessageKind> = z.input<(typeof payloadSchemas)[K]>;

export interface Envelope<K extends MessageKind> {
  protocolVersion: number;
  kind: K;
  payload: Payload<K>;
}

const envelopeHead = z.object({
  protocolVersion: z.literal(PROTOCOL_VERSION, {
    error: `unsupported protocol version (this build speaks ${PROTOCOL_VERSION})`,
  }),
  kind: z.string(),
  payload: z.unknown(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** Wraps a payload for sending. The payload is validated too: a sender never emits what a receiver would refuse. */
export function wrap<K extends MessageKind>(kind: K, payload: PayloadInput<K>): Envelope<K> {
  const parsed = payloadSchemas[kind].parse(payload) as Payload<K>;
  return { protocolVersion: PROTOCOL_VERSION, kind, payload: parsed };
}

/** Validates an untrusted message of the expected kind. Issues name the field, e.g. `payload.samples[2].value`. */
export function parseEnvelope<K extends MessageKind>(kind: K, input: unknown): ParseResult<Envelope<K>> {
  const head = envelopeHead.safeParse(input, { reportInput: true });
  if (!head.success) return { ok: false, issues: toFieldIssues(head.error.issues) };
  if (head.data.kind !== kind) {
    return { ok: false, issues: [{ path: "kind", message: `expected "${kind}", got ${JSON.stringify(head.data.kind).slice(0, 80)}` }] };
  }
  const body = payloadSchemas[kind].safeParse(head.data.payload, { reportInput: true });
  if (!body.success) return { ok: false, issues: toFieldIssues(body.error.issues, ["payload"]) };
  return { ok: true, value: { protocolVersion: PROTOCOL_VERSION, kind, payload: body.data as Payload<K> } };
}
