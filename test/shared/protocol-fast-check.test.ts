import { describe, expect, it } from "vitest";
import { checkedBatch, checkNumericSample, checkSampleBatch, checkStateRecord } from "../../shared/protocol/fast-check.ts";
import { MAX_SAMPLES_PER_BATCH, sampleBatch } from "../../shared/protocol/sample-batch.ts";
import { numericSample, stateRecord } from "../../shared/protocol/samples.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";

/*
 * The agent checks observations and batches with shared/protocol/fast-check.ts instead of the zod
 * schemas the hub uses. These tests hold the two to the same verdict, so a rule changed in one and
 * not the other fails here: the cases of test/shared/protocol.test.ts, then thousands of random
 * mutations of valid inputs.
 */

const T0 = 1_763_900_000_000;

function validBatch(): Record<string, any> {
  return {
    host: { agentId: "gpu-box-1", hostname: "gpu-box-1.lan", agentVersion: "0.1.0", bootId: "3f1c0d9e-boot" },
    sequence: 7,
    sealedAt: T0,
    pushIntervalMs: 10_000,
    samples: [
      { name: "cpu_usage_ratio", labels: { cpu: "total" }, timestamp: T0 - 2000, value: 0.25 },
      { name: "mem_used_bytes", timestamp: T0 - 1000, value: 123_456_789 },
      { name: "disk_used_ratio", labels: { mount: "/" }, timestamp: T0, value: 0.5 },
    ],
    states: [{ name: "zfs_pool_health", labels: { pool: "tank" }, timestamp: T0, state: "ONLINE" }],
  };
}

type Schema = { safeParse(input: unknown): { success: true; data: unknown } | { success: false; error: { issues: any[] } } };
type Fast = (input: unknown) => { ok: true; value: unknown } | { ok: false; issue: { path: string; message: string } };

/** Same verdict; when valid, the same output; when invalid, the fast check names one of the fields zod names. */
function expectSameVerdict(schema: Schema, fast: Fast, input: unknown, what: string): boolean {
  const slow = schema.safeParse(input);
  const quick = fast(input);
  expect(quick.ok, `${what}: ${JSON.stringify(slow.success ? "valid" : toFieldIssues(slow.error.issues))}`).toBe(slow.success);
  if (slow.success && quick.ok) expect(quick.value, what).toEqual(slow.data);
  if (!slow.success && !quick.ok) {
    const paths = toFieldIssues(slow.error.issues).map((i) => i.path);
    // An invalid label key is reported by zod at the key; the fast check names the same key.
    expect(paths, `${what}: fast check said ${quick.issue.path}: ${quick.issue.message}`).toContain(quick.issue.path);
    expect(quick.issue.message.length).toBeGreaterThan(5);
  }
  return slow.success;
}

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, "v"]));

/** The refusals (and near misses) of test/shared/protocol.test.ts, applied to a valid batch. */
const CASES: Array<[string, (b: Record<string, any>) => void]> = [
  ["valid as is", () => {}],
  ["missing host.agentId", (b) => delete b.host.agentId],
  ["value as a string", (b) => (b.samples[2].value = "0.5")],
  ["value as null", (b) => (b.samples[2].value = null)],
  ["value NaN", (b) => (b.samples[0].value = Number.NaN)],
  ["value Infinity", (b) => (b.samples[0].value = Number.POSITIVE_INFINITY)],
  ["value -Infinity", (b) => (b.samples[0].value = Number.NEGATIVE_INFINITY)],
  ["name of 201 characters", (b) => (b.samples[0].name = "a".repeat(201))],
  ["name of 200 characters", (b) => (b.samples[0].name = "a".repeat(200))],
  ["label name with a dash", (b) => (b.samples[0].labels = { "gpu-id": "0" })],
  ["label name with a space", (b) => (b.samples[0].labels = { "gpu id": "0" })],
  ["label value of 1025 characters", (b) => (b.samples[0].labels = { cpu: "x".repeat(1025) })],
  ["label value of 1024 characters", (b) => (b.samples[0].labels = { cpu: "x".repeat(1024) })],
  ["33 labels", (b) => (b.samples[0].labels = many(33))],
  ["32 labels", (b) => (b.samples[0].labels = many(32))],
  ["an own __proto__ label", (b) => (b.samples[0].labels = JSON.parse('{"__proto__": "x", "cpu": "0"}'))],
  ["labels as an array", (b) => (b.samples[0].labels = ["a"])],
  ["labels as a Map", (b) => (b.samples[0].labels = new Map([["a", "b"]]))],
  ["labels without a prototype", (b) => (b.samples[0].labels = Object.assign(Object.create(null), { cpu: "0" }))],
  ["labels with a symbol key", (b) => (b.samples[0].labels = { [Symbol("s")]: "x" })],
  ["labels with a non-enumerable key", (b) => (b.samples[0].labels = Object.defineProperty({}, "bad key", { value: "x" }))],
  ["negative timestamp", (b) => (b.samples[0].timestamp = -1)],
  ["fractional timestamp", (b) => (b.samples[0].timestamp = T0 + 0.5)],
  ["timestamp as an ISO string", (b) => (b.samples[0].timestamp = "2025-11-23T12:00:00Z")],
  ["timestamp beyond 2^53", (b) => (b.samples[0].timestamp = 2 ** 53)],
  ["timestamp -0", (b) => (b.samples[0].timestamp = -0)],
  ["sequence 0", (b) => (b.sequence = 0)],
  ["sequence -0", (b) => (b.sequence = -0)],
  ["pushIntervalMs 1.5", (b) => (b.pushIntervalMs = 1.5)],
  ["empty state", (b) => (b.states[0].state = "")],
  ["state of 65 characters", (b) => (b.states[0].state = "S".repeat(65))],
  ["states absent (defaults to [])", (b) => delete b.states],
  ["samples absent", (b) => delete b.samples],
  ["unknown fields everywhere", (b) => Object.assign(b, { extra: 1 }, (b.host.extra = 2), (b.samples[0].extra = 3))],
  ["agentId with a slash", (b) => (b.host.agentId = "a/b")],
  ["agentId of 129 characters", (b) => (b.host.agentId = "a".repeat(129))],
  ["hostname empty", (b) => (b.host.hostname = "")],
  ["hostname of 254 characters", (b) => (b.host.hostname = "h".repeat(254))],
  ["host labels invalid", (b) => (b.host.labels = { "1x": "y" })],
  ["a sample that is null", (b) => (b.samples[1] = null)],
  ["a sample that is an array", (b) => (b.samples[1] = [])],
  ["too many samples", (b) => (b.samples = Array.from({ length: MAX_SAMPLES_PER_BATCH + 1 }, () => b.samples[0]))],
];

describe("fast check against the zod schemas: the cases of the protocol tests", () => {
  for (const [what, mutate] of CASES) {
    it(what, () => {
      const b = validBatch();
      mutate(b);
      expectSameVerdict(sampleBatch, checkSampleBatch, b, what);
      for (const s of Array.isArray(b.samples) ? b.samples.slice(0, 3) : [])
        expectSameVerdict(numericSample, (x) => checkNumericSample(x), s, what);
      for (const s of Array.isArray(b.states) ? b.states : []) expectSameVerdict(stateRecord, (x) => checkStateRecord(x), s, what);
    });
  }
});

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 53,
  -(2 ** 53),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "a",
  "1a",
  "_x",
  "a-b",
  "ONLINE",
  "é",
  "a".repeat(64),
  "a".repeat(65),
  "a".repeat(200),
  "a".repeat(201),
  [],
  {},
  { a: "b" },
  new Date(0),
];

function mutateOnce(value: Record<string, any>, r: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const keys = Object.keys(value);
  const key = keys.length > 0 && r() < 0.8 ? pick(keys) : pick(["name", "labels", "extra", "state", "value"]);
  const roll = r();
  if (roll < 0.45) value[key] = pick(ODD_VALUES);
  else if (roll < 0.55) delete value[key];
  else if (roll < 0.85) {
    const labels: Record<string, unknown> = typeof value.labels === "object" && value.labels !== null ? { ...value.labels } : {};
    labels[pick(["a", "b_c", "1a", "a-b", "", "__x", "A".repeat(201), "ok"])] = pick([
      "v",
      "",
      1,
      null,
      "x".repeat(1025),
      "x".repeat(1024),
    ]);
    if (r() < 0.1) Object.assign(labels, many(Math.floor(r() * 40)));
    value.labels = labels;
  } else if (typeof value.timestamp === "number") value.timestamp += pick([-T0 - 1, 0.25, 2 ** 53]);
  else value.timestamp = pick([0, T0, -5, 1.5]);
}

describe("fast check against the zod schemas: generated inputs", () => {
  it("gives the same verdict on 3000 mutated samples and 3000 mutated states", () => {
    const r = rng(20261123);
    let valid = 0;
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const s: Record<string, any> = structuredClone(validBatch().samples[i % 3]);
      const st: Record<string, any> = structuredClone(validBatch().states[0]);
      const rounds = 1 + Math.floor(r() * 3);
      for (let k = 0; k < rounds; k++) {
        mutateOnce(s, r);
        mutateOnce(st, r);
      }
      const okS = expectSameVerdict(numericSample, (x) => checkNumericSample(x), s, `sample #${i} ${JSON.stringify(s).slice(0, 300)}`);
      const okT = expectSameVerdict(stateRecord, (x) => checkStateRecord(x), st, `state #${i} ${JSON.stringify(st).slice(0, 300)}`);
      for (const ok of [okS, okT])
        if (ok) valid++;
        else invalid++;
    }
    // Both sides of the line are exercised, not only refusals.
    expect(valid).toBeGreaterThan(600);
    expect(invalid).toBeGreaterThan(600);
  });

  it("gives the same verdict on 1000 mutated batches (host and batch fields)", () => {
    const r = rng(42);
    for (let i = 0; i < 1000; i++) {
      const b = validBatch();
      const target: Record<string, any> = r() < 0.5 ? b.host : b;
      const field = Object.keys(target)[Math.floor(r() * Object.keys(target).length)] as string;
      target[field] = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)];
      expectSameVerdict(sampleBatch, checkSampleBatch, b, `batch #${i} ${field}=${String(target[field]).slice(0, 40)}`);
    }
  });
});

describe("messages and the seal's check", () => {
  it("names the field, the rule and the value", () => {
    expect(checkNumericSample({ name: "x", timestamp: T0, value: null }, ["samples", 3])).toEqual({
      ok: false,
      issue: { path: "samples[3].value", message: "must be a finite number, got null" },
    });
    expect(checkStateRecord({ name: "x", labels: { "gpu-id": "0" }, timestamp: T0, state: "ok" })).toEqual({
      ok: false,
      issue: { path: "labels.gpu-id", message: 'must match [a-zA-Z_][a-zA-Z0-9_]* (a Prometheus-style name), got the string "gpu-id"' },
    });
  });

  it("checkedBatch keeps the checked observations and refuses a bad batch field by name", () => {
    const b = validBatch();
    const input = { host: b.host, sequence: 7, sealedAt: T0, pushIntervalMs: 10_000, samples: [], states: [] };
    const payload = checkedBatch(input);
    expect(payload).toEqual({ ...input, host: { ...b.host, labels: {} } });
    expect(sampleBatch.safeParse(payload).success).toBe(true);
    expect(() => checkedBatch({ ...input, sequence: 0 })).toThrow("invalid sample_batch: sequence: must be at least 1, got number 0");
  });
});
