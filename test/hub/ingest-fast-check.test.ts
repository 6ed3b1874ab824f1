import { describe, expect, it } from "vitest";
import { fastCheckBatchEnvelope } from "../../hub/ingest/fast-batch-check.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { seeded } from "./store/helpers.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values that sit on the schema's edges: lengths at and past each limit, names a character off, numbers off by a little. */
const TRICKY: Array<Json | undefined> = [
  undefined,
  null,
  true,
  [],
  {},
  "",
  "a",
  "_",
  "9lives",
  "a-b",
  "a.b",
  "ok_name",
  " spaced",
  "é",
  "x".repeat(64),
  "x".repeat(65),
  "x".repeat(128),
  "x".repeat(129),
  "x".repeat(200),
  "x".repeat(201),
  "x".repeat(253),
  "x".repeat(254),
  "v".repeat(1024),
  "v".repeat(1025),
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  "1",
  { nested: "x" },
  ["x"],
];

function validBatch(rand: () => number): { [k: string]: Json } {
  const labels = (): { [k: string]: Json } =>
    Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`l${i}`, `v${Math.floor(rand() * 99)}`]));
  const ts = 1_790_000_000_000 + Math.floor(rand() * 1e6);
  return {
    protocolVersion: 1,
    kind: "sample_batch",
    payload: {
      host: { agentId: "gpu-box.lan_1", hostname: "gpu-box", labels: labels(), agentVersion: "0.1.0", bootId: "boot-1" },
      sequence: 1 + Math.floor(rand() * 1000),
      sealedAt: ts,
      pushIntervalMs: 10_000,
      samples: Array.from({ length: Math.floor(rand() * 6) }, (_, i) => ({
        name: `vigil_series_${i}`,
        labels: labels(),
        timestamp: ts,
        value: rand() < 0.5 ? Math.floor(rand() * 1e9) : (rand() - 0.5) * 1e3,
      })),
      states: Array.from({ length: Math.floor(rand() * 3) }, () => ({
        name: "vigil_zfs_pool_health",
        labels: labels(),
        timestamp: ts,
        state: "ONLINE",
      })),
    },
  };
}

/** Every path to a value in the tree (objects and arrays included, not only leaves). */
function paths(v: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function mutate(root: { [k: string]: Json }, rand: () => number): unknown {
  const all = paths(root).filter((p) => p.length > 0);
  const path = all[Math.floor(rand() * all.length)] as Array<string | number>;
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k] as Json, root) as Record<
    string | number,
    Json
  >;
  const key = path[path.length - 1] as string | number;
  const kind = rand();
  if (kind < 0.7) {
    const v = TRICKY[Math.floor(rand() * TRICKY.length)];
    if (v === undefined) delete parent[key];
    else parent[key] = structuredClone(v);
  } else if (kind < 0.8) {
    // An extra key beside it: ignored by both (objects are parsed non-strict).
    if (typeof parent === "object" && !Array.isArray(parent)) parent[`extra_${Math.floor(rand() * 9)}`] = "x";
  } else if (kind < 0.9) {
    // A label set with one key too many, or exactly at the limit.
    parent[key] = Object.fromEntries(Array.from({ length: rand() < 0.5 ? 32 : 33 }, (_, i) => [`k${i}`, "v"]));
  } else {
    // Keys only JSON text can carry: an own __proto__, a number too large for a double.
    const text = JSON.stringify(root).replace('"labels":{', rand() < 0.5 ? '"labels":{"__proto__":"x",' : '"labels":{"big":"x","n":1e400,');
    return JSON.parse(text.replace(",}", "}"));
  }
  return root;
}

/** The two answers for one input: the same acceptance, and the same value when accepted. */
function expectSameAnswer(input: unknown): boolean {
  const slow = parseEnvelope("sample_batch", structuredClone(input));
  const fast = fastCheckBatchEnvelope(structuredClone(input));
  expect(fast !== undefined, JSON.stringify(input).slice(0, 400)).toBe(slow.ok);
  if (slow.ok) expect(fast).toEqual(slow.value.payload);
  return slow.ok;
}

describe("fastCheckBatchEnvelope", () => {
  it("gives the schema's answer for every field of a batch set to every edge value", () => {
    const base: { [k: string]: Json } = {
      protocolVersion: 1,
      kind: "sample_batch",
      payload: {
        host: { agentId: "gpu-box", hostname: "gpu-box.lan", labels: { site: "home" }, agentVersion: "0.1.0", bootId: "boot-1" },
        sequence: 7,
        sealedAt: 1_790_000_000_000,
        pushIntervalMs: 10_000,
        samples: [
          { name: "vigil_gpu_temperature_celsius", labels: { gpu: "0", uuid: "GPU-1" }, timestamp: 1_790_000_000_000, value: 61.5 },
          { name: "vigil_load1", labels: {}, timestamp: 1_790_000_000_000, value: 2 },
        ],
        states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, timestamp: 1_790_000_000_000, state: "ONLINE" }],
      },
    };
    let cases = 0;
    for (const path of paths(base).filter((p) => p.length > 0)) {
      for (const value of TRICKY) {
        const input = structuredClone(base);
        const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k] as Json, input) as Record<
          string | number,
          Json
        >;
        if (value === undefined) delete parent[path[path.length - 1] as string | number];
        else parent[path[path.length - 1] as string | number] = structuredClone(value);
        expectSameAnswer(input);
        cases++;
      }
    }
    // Numbers too large for a double parse as Infinity: never a finite value, sequence or timestamp.
    for (const field of ["value", "timestamp", "sequence", "sealedAt"]) {
      const text = JSON.stringify(base).replace(new RegExp(`"${field}":[^,}]+`), `"${field}":1e400`);
      expect(expectSameAnswer(JSON.parse(text))).toBe(false);
      cases++;
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it("gives the schema's answer on 6,000 generated batches with random mutations", () => {
    const rand = seeded(2026);
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 6000; i++) {
      const base = validBatch(rand);
      const input = i % 6 === 0 ? base : mutate(base, rand);
      if (expectSameAnswer(input)) accepted++;
      else refused++;
    }
    // Both kinds of answer were exercised, many times.
    expect(accepted).toBeGreaterThan(1500);
    expect(refused).toBeGreaterThan(1500);
  });

  it("drops unknown keys and fills the defaults as the schema does", () => {
    const input = {
      protocolVersion: 1,
      kind: "sample_batch",
      future: { anything: 1 },
      payload: {
        host: { agentId: "a", hostname: "h", agentVersion: "1", bootId: "b", rack: "r7" },
        sequence: 3,
        sealedAt: 5,
        pushIntervalMs: 10_000,
        samples: [{ name: "vigil_load1", timestamp: 5, value: 0.5, unit: "x" }],
      },
    };
    const expected = {
      host: { agentId: "a", hostname: "h", labels: {}, agentVersion: "1", bootId: "b" },
      sequence: 3,
      sealedAt: 5,
      pushIntervalMs: 10_000,
      samples: [{ name: "vigil_load1", labels: {}, timestamp: 5, value: 0.5 }],
      states: [],
    };
    expect(fastCheckBatchEnvelope(input)).toEqual(expected);
    const slow = parseEnvelope("sample_batch", input);
    expect(slow.ok && slow.value.payload).toEqual(expected);
  });
});
