import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createHubApp } from "../../hub/app.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { storageOptionsFrom } from "../../hub/store/storage-config.ts";
import { errorBody } from "../../shared/api/error-body.ts";
import { silentLogger } from "../../shared/log/logger.ts";
import { batchEnvelope, gzipJson } from "../support/batches.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const NOW = 1_790_000_005_000;

function makeHub(env: Record<string, string> = {}, yaml?: string) {
  const dir = tempDir();
  let configFile: string | undefined;
  if (yaml !== undefined) {
    configFile = join(dir, "hub.yaml");
    writeFileSync(configFile, yaml);
  }
  const { config } = loadHubConfig({ configFile, env });
  const store = new HubStore(join(dir, "hub.sqlite"), storageOptionsFrom(config.storage, config.dedupWindow));
  const app = createHubApp({ store, config, logger: silentLogger, version: "test", now: () => NOW });
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    app.request("/api/v1/ingest", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const sampleRows = () => store.db.prepare("SELECT COUNT(*) FROM samples").pluck().get() as number;
  return { app, store, post, sampleRows };
}

describe("POST /api/v1/ingest", () => {
  it("stores a gzip batch and acknowledges its sequence", async () => {
    const { post, sampleRows } = makeHub();
    const res = await post(
      gzipJson(
        batchEnvelope({
          sequence: 7,
          samples: [
            { name: "vigil_load1", value: 1.25 },
            { name: "vigil_load5", value: 0.75 },
          ],
        }),
      ),
      {
        "content-encoding": "gzip",
      },
    );
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { kind: string; payload: Record<string, unknown> };
    expect(ack.kind).toBe("ingest_ack");
    expect(ack.payload).toEqual({ agentId: "gpu-box", bootId: "boot-1", sequence: 7, duplicate: false, storedSamples: 2, storedStates: 0 });
    expect(sampleRows()).toBe(2);
  });

  it("acknowledges a resent batch as a duplicate and stores nothing twice", async () => {
    const { post, sampleRows } = makeHub();
    const body = JSON.stringify(batchEnvelope({ sequence: 3 }));
    expect((await post(body)).status).toBe(200);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { payload: { duplicate: boolean } }).payload.duplicate).toBe(true);
    expect(sampleRows()).toBe(1);
  });

  it("treats the same sequence from another boot as a new batch", async () => {
    const { post, sampleRows } = makeHub();
    await post(JSON.stringify(batchEnvelope({ sequence: 1, bootId: "boot-1", timestamp: NOW - 2000 })));
    await post(JSON.stringify(batchEnvelope({ sequence: 1, bootId: "boot-2", timestamp: NOW - 1000 })));
    expect(sampleRows()).toBe(2);
  });

  it("keeps the newest value as latest when batches arrive out of order", async () => {
    const { post, app } = makeHub();
    await post(JSON.stringify(batchEnvelope({ sequence: 2, timestamp: NOW - 1000, samples: [{ name: "vigil_load1", value: 2 }] })));
    await post(JSON.stringify(batchEnvelope({ sequence: 1, timestamp: NOW - 2000, samples: [{ name: "vigil_load1", value: 1 }] })));
    const latest = (await (await app.request("/api/v1/hosts/gpu-box/latest")).json()) as {
      samples: Array<{ value: number; timestamp: number }>;
    };
    expect(latest.samples).toEqual([{ name: "vigil_load1", labels: {}, timestamp: NOW - 1000, value: 2 }]);
  });

  it("refuses a schema violation with the field path, and writes nothing", async () => {
    const { post, sampleRows, store } = makeHub();
    const bad = batchEnvelope({
      samples: [
        { name: "vigil_load1", value: 1 },
        { name: "vigil_load5", value: 2 },
        { name: "vigil_load15", value: "high" },
      ],
    });
    const res = await post(JSON.stringify(bad));
    expect(res.status).toBe(400);
    const body = errorBody.parse(await res.json());
    expect(body.error.code).toBe("INGEST_SCHEMA");
    expect(body.error.issues?.[0]).toEqual({ path: "payload.samples[2].value", message: 'must be a finite number, got the string "high"' });
    expect(body.error.field).toBe("payload.samples[2].value");
    expect(body.error.message).toContain('payload.samples[2].value: must be a finite number, got the string "high"');
    expect(sampleRows()).toBe(0);
    expect(store.db.prepare("SELECT COUNT(*) FROM hosts").pluck().get()).toBe(0);
  });

  it("refuses malformed JSON, bad gzip and unknown encodings", async () => {
    const { post } = makeHub();
    const json = await post("{not json");
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("INGEST_BAD_JSON");
    const gz = await post("not gzip at all", { "content-encoding": "gzip" });
    expect(gz.status).toBe(400);
    expect(((await gz.json()) as { error: { code: string } }).error.code).toBe("INGEST_BAD_ENCODING");
    const br = await post("{}", { "content-encoding": "br" });
    expect(br.status).toBe(415);
  });

  it("refuses a body over the limit, and a gzip bomb over the decompressed limit, with 413", async () => {
    const { post, sampleRows } = makeHub();
    const huge = await post("x".repeat(8 * 1024 * 1024 + 10));
    expect(huge.status).toBe(413);
    // 80 MB of zeros compresses to ~80 KB: small on the wire, over the 64 MB decompressed limit.
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200_000);
    const res = await post(bomb, { "content-encoding": "gzip" });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INGEST_TOO_LARGE");
    expect(sampleRows()).toBe(0);
  });

  it("requires a valid bearer token when tokens are configured", async () => {
    const { post, sampleRows } = makeHub({ VIGIL_AGENT_TOKENS: "s3cret-one,s3cret-two" });
    const body = JSON.stringify(batchEnvelope());
    const none = await post(body);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("AGENT_TOKEN_MISSING");
    const wrong = await post(body, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string; message: string } }).error.message).not.toContain("s3cret");
    expect(sampleRows()).toBe(0);
    expect((await post(body, { authorization: "Bearer s3cret-two" })).status).toBe(200);
    expect(sampleRows()).toBe(1);
  });

  it("refuses an unsupported protocol version by name", async () => {
    const { post } = makeHub();
    const res = await post(JSON.stringify({ ...batchEnvelope(), protocolVersion: 99 }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe("protocolVersion");
    expect(body.error.message).toContain("unsupported protocol version");
  });

  it("survives fuzzed bodies without a 5xx and without partial writes", async () => {
    const { post, sampleRows, store } = makeHub();
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const valid = JSON.stringify(batchEnvelope());
    for (let i = 0; i < 300; i++) {
      const chars = valid.split("");
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) chars[Math.floor(rand() * chars.length)] = String.fromCharCode(32 + Math.floor(rand() * 95));
      const mutated = chars.join("");
      if (mutated === valid) continue;
      const res = await post(mutated);
      expect(res.status, mutated).toBeLessThan(500);
    }
    // Some mutations stay valid (a changed digit in a value); whatever was stored is whole batches only.
    const recorded = store.db.prepare("SELECT COALESCE(SUM(sample_count), 0) FROM received_batches").pluck().get();
    expect(sampleRows()).toBe(recorded);
  });
});

describe("POST /api/v1/ingest at its limits", () => {
  it("answers 503 INGEST_BUSY with Retry-After when the commit queue is full, and stores the batch on retry", async () => {
    const { post, sampleRows } = makeHub({}, "storage:\n  maxQueuedSamples: 1000\n  commitInterval: 200ms\n");
    const samples = Array.from({ length: 600 }, (_, i) => ({ name: "vigil_cpu_usage_percent", labels: { cpu: String(i) }, value: i }));
    const body = (sequence: number) => JSON.stringify(batchEnvelope({ sequence, timestamp: NOW - 10_000 * (3 - sequence), samples }));
    const [first, second] = await Promise.all([post(body(1)), post(body(2))]);
    expect(first?.status).toBe(200);
    expect(second?.status).toBe(503);
    expect(second?.headers.get("retry-after")).toMatch(/^[1-3]$/);
    expect(((await second?.json()) as { error: { code: string } }).error.code).toBe("INGEST_BUSY");
    expect(sampleRows()).toBe(600);
    expect((await post(body(2))).status).toBe(200);
    expect(sampleRows()).toBe(1200);
  });

  it("refuses a batch sent as another agent than the token's with 403, storing nothing", async () => {
    const { post, sampleRows } = makeHub({}, "auth:\n  agents:\n    - id: gpu-1\n      token: tok-gpu-1-secret\n");
    const res = await post(JSON.stringify(batchEnvelope({ agentId: "nas", timestamp: NOW })), { authorization: "Bearer tok-gpu-1-secret" });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({
      code: "AGENT_ID_MISMATCH",
      field: "payload.host.agentId",
    });
    expect(sampleRows()).toBe(0);
    const own = await post(JSON.stringify(batchEnvelope({ agentId: "gpu-1", timestamp: NOW })), {
      authorization: "Bearer tok-gpu-1-secret",
    });
    expect(own.status).toBe(200);
  });

  it("names the field of any mistyped value in a batch, and writes nothing", async () => {
    const { post, sampleRows, store } = makeHub();
    const valid = batchEnvelope({
      timestamp: NOW,
      samples: [
        { name: "vigil_gpu_temperature_celsius", labels: { gpu: "0", uuid: "GPU-1" }, value: 61 },
        { name: "vigil_load1", value: 0.5 },
      ],
      states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, state: "ONLINE" }],
    });
    const leaves = leafPaths(valid);
    expect(leaves.length).toBe(22);
    let seed = 11;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 120; i++) {
      const [path, value] = leaves[Math.floor(rand() * leaves.length)] as [Array<string | number>, unknown];
      // A leaf of the wrong type: a number where text is expected, text where a number is.
      const wrong = typeof value === "number" ? ["7", null, true, {}][i % 4] : [12, null, false, []][i % 4];
      const mutated = structuredClone(valid);
      setAt(mutated, path, wrong);
      const res = await post(JSON.stringify(mutated));
      const field = formatPath(path);
      expect(res.status, field).toBe(400);
      const err = errorBody.parse(await res.json()).error;
      // The protocol version and kind are checked first, then the payload; the field is the one mutated.
      expect(err.field, `${field} -> ${JSON.stringify(wrong)}`).toBe(field);
      expect(err.message).toContain(field);
    }
    expect(sampleRows()).toBe(0);
    expect(store.db.prepare("SELECT COUNT(*) FROM received_batches").pluck().get()).toBe(0);
  });
});

/** Every leaf (string, number, boolean) of a JSON value, with its path. */
function leafPaths(value: unknown, path: Array<string | number> = []): Array<[Array<string | number>, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [[path, value]];
}

function setAt(target: unknown, path: Array<string | number>, value: unknown): void {
  let cur = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
}

/** The path as the hub writes it: `payload.samples[0].labels.gpu`. */
function formatPath(path: Array<string | number>): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

describe("GET /api/v1/hosts", () => {
  it("answers 404 with HOST_NOT_FOUND for an unknown host", async () => {
    const { app } = makeHub();
    const res = await app.request("/api/v1/hosts/nope/latest");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("HOST_NOT_FOUND");
  });

  it("returns latest samples and states with their labels", async () => {
    const { post, app } = makeHub();
    await post(
      JSON.stringify(
        batchEnvelope({
          samples: [{ name: "vigil_filesystem_used_percent", labels: { mountpoint: "/", fstype: "ext4" }, value: 41.5 }],
          states: [{ name: "vigil_zfs_pool_state", labels: { pool: "nvme-fast" }, state: "DEGRADED" }],
        }),
      ),
    );
    const res = await app.request("/api/v1/hosts/gpu-box/latest");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { samples: unknown[]; states: unknown[] };
    expect(body.samples).toEqual([
      { name: "vigil_filesystem_used_percent", labels: { fstype: "ext4", mountpoint: "/" }, timestamp: 1_790_000_000_000, value: 41.5 },
    ]);
    expect(body.states).toEqual([
      { name: "vigil_zfs_pool_state", labels: { pool: "nvme-fast" }, timestamp: 1_790_000_000_000, state: "DEGRADED" },
    ]);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { app } = makeHub();
    const res = await app.request("/api/v2/whatever");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });
});
