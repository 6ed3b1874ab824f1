import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { MAX_PULL_BATCHES } from "../../shared/protocol/pull.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { agentApp, HOST, TOKEN } from "./agent-app-fixture.ts";
import { nthSequence } from "./store/nth-sequence.ts";

const tempDir = useTempDirs();

async function page(res: Response) {
  const parsed = parseEnvelope("sample_page", await res.json());
  if (!parsed.ok) throw new Error(`not a sample_page: ${JSON.stringify(parsed.issues)}`);
  return parsed.value.payload;
}

describe("GET /api/v1/samples", () => {
  it("answers the sealed batches after a sequence, in order, as a valid sample_page, and forgets those acknowledged", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, mode: "pull" });
    const nth = nthSequence(a.store);
    // The collector ran once; seal that, then four more cycles, each sealed.
    for (let i = 0; i < 4; i++) {
      a.sealer.seal();
      await a.scheduler.runOnce(a.scheduled);
    }
    a.sealer.seal();
    const first = await page(await a.get("/api/v1/samples?after=0&limit=2", a.bearer()));
    expect(first.host).toEqual(HOST);
    expect(first.batches.map((b) => b.sequence)).toEqual([1, 2].map(nth));
    expect(first.more).toBe(true);
    const temps = first.batches[0]?.samples.filter((s) => s.name === "vigil_gpu_temperature_celsius");
    expect(temps?.map((s) => [s.labels.gpu, s.value])).toEqual([["0", 64]]);
    expect(first.batches[0]?.states).toMatchObject([{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, state: "DEGRADED" }]);

    const second = await page(await a.get(`/api/v1/samples?after=${nth(2)}`, a.bearer()));
    expect(second.batches.map((b) => b.sequence)).toEqual([3, 4, 5].map(nth));
    expect(second.more).toBe(false);
    expect(a.store.outbox.stats().batches).toBe(3); // the first two were acknowledged by asking after the second
    await page(await a.get(`/api/v1/samples?after=${nth(5)}`, a.bearer()));
    expect(a.store.outbox.stats().batches).toBe(0);
    a.store.close();
  });

  it("in pull mode seals what is pending first, so the hub gets the freshest data", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, mode: "pull" });
    const nth = nthSequence(a.store);
    const p = await page(await a.get("/api/v1/samples?after=0", a.bearer()));
    expect(p.batches.map((b) => b.sequence)).toEqual([nth(1)]);
    expect(p.batches[0]?.samples.length).toBeGreaterThan(3);
    // Nothing pending: no empty batch per request.
    expect((await page(await a.get(`/api/v1/samples?after=${nth(1)}`, a.bearer()))).batches).toEqual([]);
    a.store.close();
  });

  it("in push mode serves pages without acknowledging, so only the hub's ingest removes a batch", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, mode: "push" });
    const nth = nthSequence(a.store);
    a.sealer.seal();
    a.sealer.seal({ heartbeat: false });
    const p = await page(await a.get("/api/v1/samples?after=0", a.bearer()));
    expect(p.batches.map((b) => b.sequence)).toEqual([nth(1)]);
    await page(await a.get(`/api/v1/samples?after=${nth(1)}`, a.bearer()));
    expect(a.store.outbox.stats().batches).toBe(1);
    a.store.close();
  });

  it("caps the page at MAX_PULL_BATCHES", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, mode: "pull" });
    for (let i = 0; i < MAX_PULL_BATCHES + 5; i++) {
      a.store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: 1000 + i, value: i }], states: [] }, 1000 + i);
      a.sealer.seal();
    }
    const p = await page(await a.get(`/api/v1/samples?after=0&limit=${MAX_PULL_BATCHES * 3}`, a.bearer()));
    expect(p.batches).toHaveLength(MAX_PULL_BATCHES);
    expect(p.more).toBe(true);
    a.store.close();
  });

  it("refuses a bad query with 400 naming the parameter", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    for (const [query, field] of [
      ["after=-1", "after"],
      ["after=abc", "after"],
      ["after=1.5", "after"],
      ["limit=0", "limit"],
      ["limit=ten", "limit"],
    ] as const) {
      const res = await a.get(`/api/v1/samples?${query}`, a.bearer());
      expect(res.status).toBe(400);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: "PULL_BAD_QUERY", field } });
    }
    a.store.close();
  });

  it("compresses the answer when the hub accepts gzip", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, mode: "pull" });
    const res = await a.get("/api/v1/samples?after=0", { ...a.bearer(), "accept-encoding": "gzip, deflate" });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toBe("accept-encoding");
    const body = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8")) as unknown;
    expect(parseEnvelope("sample_page", body).ok).toBe(true);
    const plain = await a.get("/api/v1/samples?after=1", { ...a.bearer(), "accept-encoding": "gzip;q=0" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    a.store.close();
  });
});

describe("GET /api/v1/snapshot", () => {
  it("answers the latest value of every series and state and each collector's state, as a valid agent_snapshot", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const parsed = parseEnvelope("agent_snapshot", await (await a.get("/api/v1/snapshot", a.bearer())).json());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const snap = parsed.value.payload;
    expect(snap.host).toEqual(HOST);
    expect(snap.collectors).toMatchObject([{ name: "fake", state: "ok" }]);
    expect(snap.samples.find((s) => s.name === "vigil_gpu_temperature_celsius")?.value).toBe(64);
    expect(snap.samples.find((s) => s.name === "vigil_collector_up")).toMatchObject({ labels: { collector: "fake" }, value: 1 });
    expect(snap.states).toMatchObject([{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, state: "DEGRADED" }]);
    a.store.close();
  });

  it("leaves out series that stopped reporting", async () => {
    let now = 1_790_000_000_000;
    const a = await agentApp(tempDir(), { token: TOKEN, now: () => now, staleAfterMs: 60_000 });
    now += 120_000;
    const parsed = parseEnvelope("agent_snapshot", await (await a.get("/api/v1/snapshot", a.bearer())).json());
    expect(parsed.ok && parsed.value.payload.samples).toEqual([]);
    a.store.close();
  });
});
