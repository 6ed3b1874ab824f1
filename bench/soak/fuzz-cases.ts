/**
 * Bad ingest requests for the soak's fuzzer: every one must be refused with a 4xx (or 503 when the
 * hub is busy), never a 5xx, never a crash. Built from a valid batch of a host the accounting never
 * counts (`fuzz-*`), so a request that slipped through would be visible as "accepted", not as data.
 */
import { gzipSync } from "node:zlib";
import { SimulatedHost } from "../hub-batch.ts";

export interface FuzzRequest {
  kind: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A deterministic generator (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Envelope = Record<string, unknown> & { payload: Record<string, unknown> & { samples: Array<Record<string, unknown>> } };

/** Changes that each make a batch invalid, whichever sample they hit. */
export const MUTATIONS: ReadonlyArray<[name: string, apply: (e: Envelope, i: number) => void]> = [
  ["value-string", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).value = "NaN")],
  ["value-null", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).value = null)],
  ["timestamp-negative", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).timestamp = -5)],
  ["timestamp-fraction", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).timestamp = 1.5)],
  ["name-empty", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).name = "")],
  ["name-bad-chars", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).name = "gpu temp; DROP TABLE")],
  ["label-bad-key", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).labels = { "bad key": "x" })],
  ["label-value-number", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).labels = { gpu: 0 })],
  ["label-value-huge", (e, i) => void ((e.payload.samples[i] as Record<string, unknown>).labels = { gpu: "x".repeat(5000) })],
  ["sample-null", (e, i) => void (e.payload.samples[i] = null as unknown as Record<string, unknown>)],
  ["samples-not-array", (e) => void (e.payload.samples = "many" as unknown as Array<Record<string, unknown>>)],
  ["sequence-negative", (e) => void (e.payload.sequence = -1)],
  ["sequence-string", (e) => void (e.payload.sequence = "7")],
  ["host-missing", (e) => void delete e.payload.host],
  ["agent-id-bad", (e) => void ((e.payload.host as Record<string, unknown>).agentId = "../../etc/passwd")],
  ["protocol-version", (e) => void (e.protocolVersion = 999)],
  ["kind-unknown", (e) => void (e.kind = "sample_batch_v0")],
  ["payload-array", (e) => void (e.payload = [] as unknown as Envelope["payload"])],
];

export const FUZZ_KINDS = [
  "no-token",
  "wrong-token",
  "malformed-json",
  "not-gzip",
  "truncated-gzip",
  "oversized",
  "gzip-bomb",
  "mutation",
] as const;

export interface FuzzLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/** One bad request of a kind picked by `random`; `sequence` keeps the fuzz host's batches apart. */
export function makeFuzzRequest(random: () => number, token: string, limits: FuzzLimits, sequence: number): FuzzRequest {
  const kind = FUZZ_KINDS[Math.floor(random() * FUZZ_KINDS.length)] as (typeof FUZZ_KINDS)[number];
  const auth = { authorization: `Bearer ${token}` };
  const json = { "content-type": "application/json" };
  const gz = { ...json, "content-encoding": "gzip" };
  const valid = () => validEnvelope(sequence);
  switch (kind) {
    case "no-token":
      return { kind, headers: gz, body: gzipSync(JSON.stringify(valid())) };
    case "wrong-token":
      return { kind, headers: { ...gz, authorization: `Bearer ${token}x` }, body: gzipSync(JSON.stringify(valid())) };
    case "malformed-json":
      return { kind, headers: { ...gz, ...auth }, body: gzipSync(JSON.stringify(valid()).slice(0, 1 + Math.floor(random() * 200))) };
    case "not-gzip":
      return { kind, headers: { ...gz, ...auth }, body: Buffer.from(JSON.stringify(valid())) };
    case "truncated-gzip": {
      const full = gzipSync(JSON.stringify(valid()));
      return { kind, headers: { ...gz, ...auth }, body: full.subarray(0, Math.floor(full.length / 2)) };
    }
    case "oversized": {
      // Incompressible bytes past the compressed limit: refused on Content-Length or on the bytes read.
      const body = Buffer.alloc(limits.maxBodyBytes + 1024);
      for (let i = 0; i < body.length; i += 4) body.writeUInt32LE(Math.floor(random() * 0xffffffff), i);
      return { kind, headers: { ...gz, ...auth }, body };
    }
    case "gzip-bomb":
      return { kind, headers: { ...gz, ...auth }, body: gzipSync(Buffer.alloc(limits.maxDecompressedBytes + 1024, 0x20)) };
    case "mutation": {
      const e = valid();
      const [name, apply] = MUTATIONS[Math.floor(random() * MUTATIONS.length)] as (typeof MUTATIONS)[number];
      apply(e, Math.floor(random() * e.payload.samples.length));
      return { kind: `mutation:${name}`, headers: { ...gz, ...auth }, body: gzipSync(JSON.stringify(e)) };
    }
  }
}

const fuzzHost = new SimulatedHost(0);

function validEnvelope(sequence: number): Envelope {
  const e = fuzzHost.nextBatch(Date.now(), 10_000) as unknown as Envelope;
  const host = e.payload.host as Record<string, unknown>;
  host.agentId = "fuzz-00000";
  host.hostname = "fuzz.lan";
  e.payload.sequence = sequence;
  return e;
}
