import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { Pusher } from "../../agent/transport/pusher.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { startFaultyHub } from "../support/faulty-hub.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };

function setup(hubUrl: string, timeoutMs = 2000) {
  const lines: string[] = [];
  const store = new AgentStore(join(tempDir(), "agent.sqlite"));
  const logger = createLogger({ component: "agent", write: (l) => lines.push(l) });
  const pusher = new Pusher({
    store,
    host,
    target: { url: hubUrl, token: undefined, timeoutMs },
    pushIntervalMs: 10_000,
    backoff: { initialMs: 50, maxMs: 1000 },
    logger,
  });
  let t = 1_790_000_000_000;
  const collect = (n: number) => {
    for (let i = 0; i < n; i++) {
      t += 1000;
      store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: t, value: i }], states: [] }, t);
      store.sealBatch(host, 10_000, t);
    }
  };
  return { store, pusher, collect, lines };
}

describe("Pusher", () => {
  it("delivers every batch exactly once, in order, through 500s and a 429 with Retry-After", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, lines } = setup(hub.url);
    collect(5);
    hub.faults.push({ status: 500 }, { status: 503 }, { status: 429, headers: { "retry-after": "2" } });

    const delays: number[] = [];
    for (let round = 0; round < 10 && store.outboxStats().batches > 0; round++) delays.push(await pusher.tick());

    expect(hub.storedSequences("gpu-box")).toEqual([1, 2, 3, 4, 5]);
    expect(store.outboxStats().batches).toBe(0);
    expect(delays[2]).toBe(2000); // Retry-After honoured
    expect(delays[0]).toBeGreaterThanOrEqual(25);
    expect(delays[0]).toBeLessThanOrEqual(50);
    expect(pusher.counters).toMatchObject({ batchesSent: 5, failedAttempts: 3, batchesRejected: 0 });
    // One warning per distinct failure, then one recovery line.
    expect(lines.filter((l) => l.includes("push to hub failed"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes("push to hub recovered"))).toHaveLength(1);
    await hub.close();
    store.close();
  });

  it("buffers while the hub is down and drains once it is back, exactly once", async () => {
    const dir = tempDir();
    const first = await startFaultyHub(dir);
    const port = Number(new URL(first.url).port);
    await first.close(); // the hub is down; its port is known and free
    const { store, pusher, collect } = setup(`http://127.0.0.1:${port}`);
    collect(4);
    expect(await pusher.tick()).toBeGreaterThan(0);
    expect(await pusher.tick()).toBeGreaterThan(0);
    expect(store.outboxStats().batches).toBe(4);
    expect(pusher.counters.failedAttempts).toBe(2);
    const hub = await startFaultyHub(dir, port);
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([1, 2, 3, 4]);
    expect(store.outboxStats().batches).toBe(0);
    await hub.close();
    store.close();
  });

  it("resends after a timeout, and the hub stores the batch once", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect } = setup(hub.url, 300);
    collect(2);
    hub.faults.push({ hang: true });
    await pusher.tick(); // times out on batch 1
    expect(store.outboxStats().batches).toBe(2);
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([1, 2]);
    await hub.close();
    store.close();
  });

  it("sets aside a batch the hub refuses as invalid and goes on with the next", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, lines } = setup(hub.url);
    collect(3);
    hub.faults.push({ status: 400, body: JSON.stringify({ error: { code: "INGEST_SCHEMA", message: "payload.samples[0].value: bad" } }) });
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([2, 3]);
    expect(store.outboxStats()).toMatchObject({ batches: 0, rejected: 1 });
    expect(lines.some((l) => l.includes("INGEST_SCHEMA"))).toBe(true);
    await hub.close();
    store.close();
  });
});
