import { describe, expect, it } from "vitest";
import {
  type ActionRequest,
  type MessageKind,
  type PayloadInput,
  PROTOCOL_VERSION,
  parseEnvelope,
  type SampleBatchInput,
  wrap,
} from "../../shared/protocol/index.ts";
import type { FieldIssue } from "../../shared/validation/issues.ts";

const T0 = 1_763_900_000_000;

function batch(overrides: Partial<SampleBatchInput> = {}): SampleBatchInput {
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
    ...overrides,
  };
}

function actionRequestInput(overrides: Partial<PayloadInput<"action_request">> = {}): PayloadInput<"action_request"> {
  return {
    requestId: "6f1c2a4e-8b3d-4c7a-9e2f-1a2b3c4d5e6f",
    agentId: "gpu-box-1",
    action: "restart-unit",
    params: { unit: "ollama.service", force: false, waitSeconds: 5 },
    reason: "stuck after upgrade",
    initiator: "user:alice",
    issuedAt: T0,
    expiresAt: T0 + 60_000,
    signature: { algorithm: "hmac-sha256", value: Buffer.from("not really a signature").toString("base64") },
    ...overrides,
  };
}

/** What actually travels: the wrapped envelope through JSON, as a mutable plain object. */
function onWire<K extends MessageKind>(kind: K, payload: PayloadInput<K>): Record<string, unknown> & { payload: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(wrap(kind, payload)));
}

/** A valid sample_batch envelope, changed by `mutate`, then parsed: the issues it was refused with. */
function refusedBatch(mutate: (env: { payload: Record<string, unknown> } & Record<string, unknown>) => void): FieldIssue[] {
  const env = onWire("sample_batch", batch());
  mutate(env);
  const result = parseEnvelope("sample_batch", env);
  if (result.ok) throw new Error("expected the batch to be refused");
  return result.issues;
}

// Tests reach into the wire shape freely.
type Wire = any;

describe("round trip through wrap + JSON + parseEnvelope", () => {
  const cases: { [K in MessageKind]: PayloadInput<K> } = {
    sample_batch: batch({
      states: [{ name: "zfs_pool_health", labels: { pool: "tank" }, timestamp: T0, state: "DEGRADED" }],
    }),
    ingest_ack: { agentId: "gpu-box-1", bootId: "3f1c0d9e-boot", sequence: 7, duplicate: false, storedSamples: 3, storedStates: 1 },
    action_request: actionRequestInput({ confirm: true, dryRun: true }),
    action_result: {
      requestId: "6f1c2a4e-8b3d-4c7a-9e2f-1a2b3c4d5e6f",
      agentId: "gpu-box-1",
      action: "restart-unit",
      status: "refused",
      refusal: { code: "REQUEST_EXPIRED", message: "expired 3s ago" },
      argv: ["systemctl", "restart", "ollama.service"],
      exitCode: null,
      stdout: "",
      stderr: "",
      outputTruncated: false,
      startedAt: T0,
      durationMs: 12.5,
    },
    alert_event: {
      fingerprint: "disk_full/gpu-box-1/",
      rule: "disk_full",
      status: "firing",
      severity: "critical",
      hostId: "gpu-box-1",
      labels: { mount: "/" },
      value: 0.97,
      threshold: 0.9,
      startsAt: T0,
      endsAt: null,
      annotations: { summary: "root filesystem is 97% full" },
    },
    sample_page: {
      host: batch().host,
      batches: [batch({ sequence: 8 }), batch({ sequence: 9 })],
      more: true,
    },
    agent_snapshot: {
      host: batch().host,
      takenAt: T0,
      collectors: [
        { name: "system", state: "ok", lastRunAt: T0 - 500 },
        { name: "gpu", state: "unavailable", detail: "nvidia-smi not found on PATH", lastRunAt: T0 - 400 },
      ],
      samples: [{ name: "vigil_load1", timestamp: T0, value: 0.42 }],
      states: [{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, timestamp: T0, state: "ONLINE" }],
    },
  };

  for (const kind of Object.keys(cases) as MessageKind[]) {
    it(`${kind} comes back equal to what was wrapped`, () => {
      const sent = wrap(kind, cases[kind] as never);
      expect(sent.protocolVersion).toBe(PROTOCOL_VERSION);
      expect(sent.kind).toBe(kind);
      const received = parseEnvelope(kind, JSON.parse(JSON.stringify(sent)));
      expect(received).toEqual({ ok: true, value: sent });
      // Every field the sender wrote arrives (nothing silently dropped on the way).
      expect(received.ok && received.value.payload).toMatchObject(cases[kind] as object);
    });
  }

  it("applies defaults: labels {}, states [], action flags false, result output empty", () => {
    const b = parseEnvelope("sample_batch", onWire("sample_batch", batch()));
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    expect(b.value.payload.states).toEqual([]);
    expect(b.value.payload.host.labels).toEqual({});
    expect(b.value.payload.samples[1]?.labels).toEqual({});
    expect(b.value.payload.samples[0]?.labels).toEqual({ cpu: "total" });

    const { params: _p, ...noParams } = actionRequestInput();
    const req = wrap("action_request", noParams).payload;
    expect(req.params).toEqual({});
    expect(req.confirm).toBe(false);
    expect(req.dryRun).toBe(false);

    const res = wrap("action_result", {
      requestId: "6f1c2a4e-8b3d-4c7a-9e2f-1a2b3c4d5e6f",
      agentId: "a",
      action: "noop",
      status: "succeeded",
      exitCode: 0,
      startedAt: T0,
      durationMs: 0,
    }).payload;
    expect(res).toMatchObject({ argv: [], stdout: "", stderr: "", outputTruncated: false });

    const alert = wrap("alert_event", {
      fingerprint: "f",
      rule: "r",
      status: "resolved",
      severity: "info",
      hostId: null,
      value: null,
      threshold: null,
      startsAt: T0,
      endsAt: T0 + 1,
    }).payload;
    expect(alert.labels).toEqual({});
    expect(alert.annotations).toEqual({});
  });

  it("wrap refuses to build what a receiver would refuse", () => {
    expect(() => wrap("sample_batch", batch({ sequence: 0 }))).toThrow();
    expect(() => wrap("action_request", actionRequestInput({ action: "../x" }))).toThrow();
  });
});

describe("sample_batch refusals name the exact field", () => {
  it("missing payload.host.agentId", () => {
    const issues = refusedBatch((e: Wire) => {
      delete e.payload.host.agentId;
    });
    expect(issues).toEqual([{ path: "payload.host.agentId", message: expect.stringContaining("required") }]);
  });

  it("payload.samples[2].value as a string", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[2].value = "0.5";
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[2].value");
    expect(issues[0]?.message).toContain('"0.5"');
  });

  it("payload.samples[2].value as null", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[2].value = null;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[2].value");
    expect(issues[0]?.message).toContain("null");
  });

  it("non-finite values never pass (they cannot come through JSON, but a direct caller could pass them)", () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const env = onWire("sample_batch", batch()) as Wire;
      env.payload.samples[0].value = value;
      const r = parseEnvelope("sample_batch", env);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.issues.map((i) => i.path)).toEqual(["payload.samples[0].value"]);
    }
  });

  it.each(["cpu-usage", "1abc", "", "cpu usage", "cpu.usage"])("a bad metric name %j", (name) => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[1].name = name;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[1].name");
    expect(issues[0]?.message).toMatch(/Prometheus-style name/);
  });

  it("a metric name over 200 characters", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[0].name = `m${"x".repeat(200)}`;
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.samples[0].name"]);
  });

  it("a label name with a dash (the path shows the offending key)", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[0].labels = { cpu: "total", "gpu-index": "0" };
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[0].labels.gpu-index");
    expect(issues[0]?.message).toContain('"gpu-index"');
  });

  it("a label name that is not an identifier is quoted in the path", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.host.labels = { "rack 4": "a" };
    });
    expect(issues.map((i) => i.path)).toEqual(['payload.host.labels["rack 4"]']);
  });

  it("a label value over 1024 characters (exactly 1024 is fine)", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[0].labels = { cpu: "x".repeat(1025) };
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[0].labels.cpu");
    expect(issues[0]?.message).toContain("at most 1024 characters");
    // The received value is shown, but bounded.
    expect(issues[0]?.message.length).toBeLessThan(200);

    const ok = onWire("sample_batch", batch()) as Wire;
    ok.payload.samples[0].labels = { cpu: "x".repeat(1024) };
    expect(parseEnvelope("sample_batch", ok).ok).toBe(true);
  });

  it("more than 32 labels (exactly 32 is fine)", () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, "v"]));
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[2].labels = many(33);
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[2].labels");
    expect(issues[0]?.message).toContain("at most 32 labels");

    const ok = onWire("sample_batch", batch()) as Wire;
    ok.payload.samples[2].labels = many(32);
    expect(parseEnvelope("sample_batch", ok).ok).toBe(true);
  });

  it("a negative timestamp", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[1].timestamp = -1;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.samples[1].timestamp");
    expect(issues[0]?.message).toContain("-1");
  });

  it("a fractional timestamp", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.sealedAt = T0 + 0.5;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.sealedAt");
    expect(issues[0]?.message).toMatch(/integer|int/);
  });

  it("a timestamp given as an ISO string", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.samples[0].timestamp = new Date(T0).toISOString();
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.samples[0].timestamp"]);
  });

  it("sequence 0 (sequences start at 1)", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.sequence = 0;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.sequence");
    expect(issues[0]?.message).toContain("0");
  });

  it("an empty state string", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.states = [{ name: "unit_state", timestamp: T0, state: "" }];
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.states[0].state"]);
  });

  it("several problems are all reported, in one answer", () => {
    const issues = refusedBatch((e: Wire) => {
      e.payload.sequence = -3;
      e.payload.samples[0].value = "x";
      e.payload.samples[2].name = "bad-name";
      delete e.payload.host.bootId;
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["payload.host.bootId", "payload.samples[0].value", "payload.samples[2].name", "payload.sequence"].sort(),
    );
  });
});

describe("envelope refusals", () => {
  it("wrong kind", () => {
    const env = onWire("sample_batch", batch());
    env.kind = "alert_event";
    const r = parseEnvelope("sample_batch", env);
    expect(r).toEqual({ ok: false, issues: [{ path: "kind", message: 'expected "sample_batch", got "alert_event"' }] });
  });

  it("a kind that is not a string", () => {
    const env = onWire("sample_batch", batch());
    env.kind = 42;
    const r = parseEnvelope("sample_batch", env);
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(["kind"]);
  });

  it("protocolVersion 2 is an unsupported version", () => {
    const env = onWire("sample_batch", batch());
    env.protocolVersion = 2;
    const r = parseEnvelope("sample_batch", env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.path).toBe("protocolVersion");
    expect(r.issues[0]?.message).toMatch(/unsupported protocol version/);
    expect(r.issues[0]?.message).toContain(`speaks ${PROTOCOL_VERSION}`);
  });

  it.each([
    ["missing", undefined],
    ["a string", "1"],
  ])("protocolVersion %s is refused", (_what, version) => {
    const env = onWire("sample_batch", batch());
    env.protocolVersion = version;
    const r = parseEnvelope("sample_batch", env);
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(["protocolVersion"]);
  });

  it.each([
    ["null", null],
    ["a string", '{"protocolVersion":1}'],
    ["an array", [1, 2]],
    ["a number", 1],
    ["undefined", undefined],
  ])("non-object input (%s) is refused at the root", (_what, input) => {
    const r = parseEnvelope("sample_batch", input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.path).toBe("");
    expect(r.issues[0]?.message).toMatch(/expected object/);
  });

  it("an envelope without payload names the payload", () => {
    const r = parseEnvelope("sample_batch", { protocolVersion: PROTOCOL_VERSION, kind: "sample_batch" });
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(["payload"]);
  });

  it("a payload that is not an object is refused at `payload`", () => {
    const r = parseEnvelope("sample_batch", { protocolVersion: PROTOCOL_VERSION, kind: "sample_batch", payload: [] });
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(["payload"]);
  });
});

describe("forward compatibility: unknown fields are accepted and dropped", () => {
  it("at every level of a batch", () => {
    const env = onWire("sample_batch", batch()) as Wire;
    env.traceId = "abc";
    env.payload.compression = "zstd";
    env.payload.host.kernel = "6.8.0";
    env.payload.samples[0].unit = "ratio";
    env.payload.states = [{ name: "unit_state", timestamp: T0, state: "active", since: T0 - 5 }];
    const r = parseEnvelope("sample_batch", env);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).not.toHaveProperty("traceId");
    expect(r.value.payload).not.toHaveProperty("compression");
    expect(r.value.payload.host).not.toHaveProperty("kernel");
    expect(r.value.payload.samples[0]).not.toHaveProperty("unit");
    expect(r.value.payload.states[0]).not.toHaveProperty("since");
    expect(r.value.payload.states[0]).toEqual({ name: "unit_state", labels: {}, timestamp: T0, state: "active" });
  });

  it("in an action request", () => {
    const env = onWire("action_request", actionRequestInput()) as Wire;
    env.payload.priority = "high";
    const r = parseEnvelope("action_request", env);
    expect(r.ok && r.value.payload).not.toHaveProperty("priority");
    expect(r.ok).toBe(true);
  });

  it("a __proto__ key from JSON neither pollutes prototypes nor survives", () => {
    const text = JSON.stringify(wrap("sample_batch", batch())).replace('"sequence":7', '"__proto__":{"polluted":true},"sequence":7');
    const env = JSON.parse(text);
    expect(Object.hasOwn(env.payload, "__proto__")).toBe(true);
    const r = parseEnvelope("sample_batch", env);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.value.payload)).toBe(Object.prototype);
    expect((r.value.payload as Wire).polluted).toBeUndefined();
    expect(({} as Wire).polluted).toBeUndefined();
  });
});

describe("action_request refusals", () => {
  function refusedRequest(mutate: (payload: Wire) => void): FieldIssue[] {
    const env = onWire("action_request", actionRequestInput()) as Wire;
    mutate(env.payload);
    const r = parseEnvelope("action_request", env);
    if (r.ok) throw new Error("expected the request to be refused");
    return r.issues;
  }

  it.each(["not-a-uuid", "6f1c2a4e8b3d4c7a9e2f1a2b3c4d5e6f", ""])("a non-uuid requestId %j", (requestId) => {
    const issues = refusedRequest((p) => {
      p.requestId = requestId;
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.requestId"]);
  });

  it.each(["Restart Unit", "../x", "restart_unit", "-restart", "", `r${"x".repeat(64)}`])("a bad action name %j", (action) => {
    const issues = refusedRequest((p) => {
      p.action = action;
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("payload.action");
    expect(issues[0]?.message).toContain("lowercase letters");
  });

  it.each(["!!!not base64", "abc", "c2ln\n"])("a bad base64 signature %j", (value) => {
    const issues = refusedRequest((p) => {
      p.signature.value = value;
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.signature.value"]);
  });

  it("an unknown signature algorithm lists the known ones", () => {
    const issues = refusedRequest((p) => {
      p.signature.algorithm = "md5";
    });
    expect(issues).toEqual([{ path: "payload.signature.algorithm", message: expect.stringContaining('"hmac-sha256"') }]);
  });

  it("a missing signature", () => {
    const issues = refusedRequest((p) => {
      delete p.signature;
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.signature"]);
  });

  it("a param that is neither string, number nor boolean", () => {
    const issues = refusedRequest((p) => {
      p.params = { unit: { nested: true } };
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.params.unit"]);
  });

  it("an agentId with a slash (ids end up in URLs and file names)", () => {
    const issues = refusedRequest((p) => {
      p.agentId = "../../etc";
    });
    expect(issues.map((i) => i.path)).toEqual(["payload.agentId"]);
  });

  it("the parsed request is typed and complete", () => {
    const r = parseEnvelope("action_request", onWire("action_request", actionRequestInput()));
    expect(r.ok).toBe(true);
    const req: ActionRequest | undefined = r.ok ? r.value.payload : undefined;
    expect(req?.params).toEqual({ unit: "ollama.service", force: false, waitSeconds: 5 });
    expect(req?.signature.algorithm).toBe("hmac-sha256");
  });
});

describe("fuzz: mutated batches never make parseEnvelope throw", () => {
  /** mulberry32: small, seeded, reproducible. */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Every container (object or array) in the tree, with the keys it holds. */
  function containers(node: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
    if (node !== null && typeof node === "object") {
      out.push(node as Record<string, unknown>);
      for (const v of Object.values(node)) containers(v, out);
    }
    return out;
  }

  const SEED = 0x5eed_1234;
  const ITERATIONS = 500;

  it(`${ITERATIONS} seeded mutations: a result every time, and every issue explains itself`, () => {
    const rand = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const randomValue = (): unknown =>
      pick<() => unknown>([
        () => null,
        () => undefined,
        () => true,
        () => 0,
        () => -1,
        () => 1.5,
        () => Number.NaN,
        () => Number.POSITIVE_INFINITY,
        () => Number.MAX_SAFE_INTEGER + 2,
        () => 2n ** 70n,
        () => "",
        () => "x".repeat(Math.floor(rand() * 3000)),
        () => "cpu-usage",
        () => "\u0000\ud800",
        () => [],
        () => [null, {}, "a"],
        () => ({}),
        () => ({ __proto__: null, a: 1 }),
        () => ({ name: "n", value: "v" }),
        () => Symbol("s"),
        () => () => 1,
        () => new Date(T0),
      ])();

    let failures = 0;
    let successes = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const env = onWire("sample_batch", batch({ states: [{ name: "s", timestamp: T0, state: "ok", labels: { a: "b" } }] }));
      const mutations = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < mutations; m++) {
        const target = pick(containers(env));
        const keys = Object.keys(target);
        const action = rand();
        if (keys.length > 0 && action < 0.3) {
          const key = pick(keys);
          if (Array.isArray(target)) target.splice(Number(key), 1);
          else delete target[key];
        } else if (keys.length > 0 && action < 0.85) {
          (target as Record<string, unknown>)[pick(keys)] = randomValue();
        } else {
          (target as Record<string, unknown>)[pick(["extra", "0", "__proto__", "name", "value", "labels", "99"])] = randomValue();
        }
      }
      let result: ReturnType<typeof parseEnvelope<"sample_batch">> | undefined;
      expect(() => {
        result = parseEnvelope("sample_batch", env);
      }, `iteration ${i} threw`).not.toThrow();
      if (result === undefined) continue;
      if (result.ok) {
        successes++;
        // Whatever is accepted is a valid batch: it goes out and comes back unchanged.
        expect(parseEnvelope("sample_batch", JSON.parse(JSON.stringify(result.value)))).toEqual(result);
      } else {
        failures++;
        expect(result.issues.length, `iteration ${i}: refused without issues`).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(typeof issue.path).toBe("string");
          expect(typeof issue.message).toBe("string");
          expect(issue.message.trim().length, `iteration ${i}: empty message at ${issue.path}`).toBeGreaterThan(0);
          // Bounded: a 3000-character string in the input must not flood the error.
          expect(issue.message.length, `iteration ${i}: long message at ${issue.path}`).toBeLessThan(500);
        }
      }
    }
    // The loop must really exercise both outcomes, or it proves nothing.
    expect(failures).toBeGreaterThan(ITERATIONS / 2);
    expect(successes).toBeGreaterThan(0);
  });
});
