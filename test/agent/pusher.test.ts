import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentStore, type OutboxBatch } from "../../agent/store/agent-store.ts";
import { Pusher, type PusherOptions } from "../../agent/transport/pusher.ts";
import { BatchSealer } from "../../agent/transport/sealer.ts";
import { type BatchSendResult, type HubTarget, sendBatch } from "../../agent/transport/send-batch.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { startFaultyHub } from "../support/faulty-hub.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { nthSequence } from "./store/nth-sequence.ts";

const tempDir = useTempDirs();
const host = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };

interface SetupOptions {
  timeoutMs?: number;
  pushIntervalMs?: number;
  drainRatePerSecond?: number;
  outboxMaxBytes?: number;
  send?: PusherOptions["send"];
}

function setup(hubUrl: string, o: SetupOptions = {}) {
  const lines: string[] = [];
  const store = new AgentStore(join(tempDir(), "agent.sqlite"));
  /** The sequence of the nth batch sealed. */
  const nth = nthSequence(store);
  const logger = createLogger({ component: "agent", write: (l) => lines.push(l) });
  const pushIntervalMs = o.pushIntervalMs ?? 10_000;
  const sealer = new BatchSealer({ store, host, pushIntervalMs, outboxMaxBytes: o.outboxMaxBytes ?? 100_000_000, logger });
  const pusher = new Pusher({
    store,
    sealer,
    target: { url: hubUrl, token: undefined, timeoutMs: o.timeoutMs ?? 2000 },
    pushIntervalMs,
    backoff: { initialMs: 50, maxMs: 1000 },
    drainRatePerSecond: o.drainRatePerSecond ?? 1000,
    logger,
    ...(o.send ? { send: o.send } : {}),
  });
  let t = 1_790_000_000_000;
  /** One collection pending, not sealed. */
  const observe = (value: number) => {
    t += 1000;
    store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: t, value }], states: [] }, t);
  };
  /** `n` collections, each sealed into its own batch (a backlog). */
  const collect = (n: number) => {
    for (let i = 0; i < n; i++) {
      observe(i);
      sealer.seal();
    }
  };
  return { store, pusher, sealer, collect, observe, lines, nth };
}

/** A hub in memory: records the order of arrival, answers `answer` (success by default). */
function memoryHub(answer: (batch: OutboxBatch) => BatchSendResult = () => ({ kind: "success", status: 200 })) {
  const arrivals: number[] = [];
  const times: number[] = [];
  const send = async (_t: HubTarget, batch: OutboxBatch) => {
    arrivals.push(batch.sequence);
    times.push(performance.now());
    return answer(batch);
  };
  return { arrivals, times, send };
}

describe("Pusher", () => {
  it("delivers every batch exactly once, in order, through 500s and a 429 with Retry-After", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, lines, nth } = setup(hub.url);
    collect(5);
    hub.faults.push({ status: 500 }, { status: 503 }, { status: 429, headers: { "retry-after": "2" } });

    const delays: number[] = [];
    for (let round = 0; round < 10 && store.outbox.stats().batches > 0; round++) delays.push(await pusher.tick());

    expect(hub.storedSequences("gpu-box")).toEqual([1, 2, 3, 4, 5].map(nth));
    expect(store.outbox.stats().batches).toBe(0);
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
    const { store, pusher, collect, nth } = setup(`http://127.0.0.1:${port}`);
    collect(4);
    expect(await pusher.tick()).toBeGreaterThan(0);
    expect(await pusher.tick()).toBeGreaterThan(0);
    expect(store.outbox.stats().batches).toBe(4);
    expect(pusher.counters.failedAttempts).toBe(2);
    const hub = await startFaultyHub(dir, port);
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([1, 2, 3, 4].map(nth));
    expect(store.outbox.stats().batches).toBe(0);
    await hub.close();
    store.close();
  });

  it("resends after a timeout, and the hub stores the batch once", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, nth } = setup(hub.url, { timeoutMs: 300 });
    collect(2);
    hub.faults.push({ hang: true });
    await pusher.tick(); // times out on batch 1
    expect(store.outbox.stats().batches).toBe(2);
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([1, 2].map(nth));
    await hub.close();
    store.close();
  });

  it("sets aside a batch the hub refuses as invalid and goes on with the next", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, lines, nth } = setup(hub.url);
    collect(3);
    hub.faults.push({ status: 400, body: JSON.stringify({ error: { code: "INGEST_SCHEMA", message: "payload.samples[0].value: bad" } }) });
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([2, 3].map(nth));
    expect(store.outbox.stats()).toMatchObject({ batches: 0, rejected: 1, rejectedTotal: 1 });
    expect(lines.some((l) => l.includes("INGEST_SCHEMA"))).toBe(true);
    await hub.close();
    store.close();
  });

  it("sends the fresh batch first, then the backlog oldest first", async () => {
    const hub = memoryHub();
    const { store, pusher, collect, observe, nth } = setup("http://127.0.0.1:9", { send: hub.send });
    collect(4);
    observe(42);
    await pusher.tick();
    expect(hub.arrivals).toEqual([5, 1, 2, 3, 4].map(nth));
    expect(store.outbox.stats().batches).toBe(0);
    store.close();
  });

  it("drains a backlog no faster than the drain rate", async () => {
    const hub = memoryHub();
    const { store, pusher, collect, nth } = setup("http://127.0.0.1:9", { send: hub.send, drainRatePerSecond: 20 });
    collect(11);
    const started = performance.now();
    await pusher.tick();
    const elapsed = performance.now() - started;
    expect(hub.arrivals).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(nth));
    expect(elapsed).toBeGreaterThanOrEqual(10 * 50 - 5); // ten gaps of 1/20 s
    const gaps = hub.times.slice(1).map((t, i) => t - (hub.times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);
    store.close();
  });

  it("leaves the rest of the backlog to the next round when the interval is over, whose fresh batch goes first", async () => {
    const hub = memoryHub();
    const { store, pusher, collect, observe, nth } = setup("http://127.0.0.1:9", {
      send: hub.send,
      drainRatePerSecond: 20,
      pushIntervalMs: 1000,
    });
    collect(40);
    expect(await pusher.tick()).toBe(0); // the next round is due at once
    const firstRound = hub.arrivals.length;
    expect(firstRound).toBeGreaterThanOrEqual(10); // at least 10 in 1 s at 20/s on a loaded machine...
    expect(firstRound).toBeLessThanOrEqual(21); // ...and never more than the rate allows
    observe(7);
    await pusher.tick();
    expect(hub.arrivals[firstRound]).toBe(nth(41)); // fresh data is not starved by the backlog
    expect(hub.arrivals[firstRound + 1]).toBe(nth(firstRound + 1));
    store.close();
  });

  it("drops the oldest batches when the outbox passes its bound during an outage: counted, logged once per episode with the range", async () => {
    let hubUp = false;
    const hub = memoryHub(() =>
      hubUp ? { kind: "success", status: 200 } : { kind: "retryable", reason: "cannot reach the hub: ECONNREFUSED" },
    );
    const probe = setup("http://127.0.0.1:9");
    probe.collect(1);
    const oneBatch = probe.store.outbox.stats().bytes;
    probe.store.close();

    const { store, pusher, observe, lines, nth } = setup("http://127.0.0.1:9", {
      send: hub.send,
      outboxMaxBytes: Math.floor(oneBatch * 3.5),
    });
    for (let i = 0; i < 8; i++) {
      observe(i);
      await pusher.tick();
    }
    const stats = store.outbox.stats();
    expect(stats.batches).toBe(3);
    expect(stats.droppedBatchesTotal).toBe(5);
    expect(stats.droppedSamplesTotal).toBe(5);
    const started = lines.filter((l) => l.includes("outbox is over its bound"));
    expect(started).toHaveLength(1);
    expect(JSON.parse(started[0] as string)).toMatchObject({ level: "warn", droppedSequences: String(nth(1)) });
    expect(lines.filter((l) => l.includes("outbox dropped batches at its bound"))).toHaveLength(0);

    const hubUpFrom = hub.arrivals.length;
    hubUp = true;
    observe(99); // sealed into a full outbox: one more is dropped before the send
    await pusher.tick();
    expect(store.outbox.stats()).toMatchObject({ batches: 0, droppedBatchesTotal: 6 });
    expect(lines.filter((l) => l.includes("outbox dropped batches at its bound"))).toHaveLength(0);
    observe(100); // the first seal that needs no drop ends the episode
    await pusher.tick();
    const summary = lines.filter((l) => l.includes("outbox dropped batches at its bound"));
    expect(summary).toHaveLength(1);
    expect(JSON.parse(summary[0] as string)).toMatchObject({
      level: "warn",
      droppedBatches: 6,
      droppedSamples: 6,
      droppedSequences: `${nth(1)}-${nth(6)}`,
    });
    expect(lines.filter((l) => l.includes("outbox is over its bound"))).toHaveLength(1);
    // Delivered: every batch not dropped, each once; the fresh one first.
    expect(hub.arrivals.slice(hubUpFrom)).toEqual([9, 7, 8, 10].map(nth));
    store.close();
  });

  it("stop() cuts a pause between backlog sends short", async () => {
    const hub = memoryHub();
    const { store, pusher, collect, nth } = setup("http://127.0.0.1:9", { send: hub.send, drainRatePerSecond: 0.2 });
    collect(3);
    const round = pusher.tick();
    await new Promise((r) => setTimeout(r, 50));
    const t = performance.now();
    await pusher.stop();
    await round;
    expect(performance.now() - t).toBeLessThan(1000); // not the 5 s gap
    expect(hub.arrivals).toEqual([nth(1)]);
    expect(store.outbox.stats().batches).toBe(2);
    store.close();
  });

  it("sends with the shared classifier: a real sendBatch against a hub that refuses the token is retried, not set aside", async () => {
    const hub = await startFaultyHub(tempDir());
    const { store, pusher, collect, nth } = setup(hub.url, { send: sendBatch });
    collect(1);
    hub.faults.push({ status: 401, body: JSON.stringify({ error: { code: "AGENT_TOKEN_INVALID", message: "no" } }) });
    expect(await pusher.tick()).toBeGreaterThan(0);
    expect(store.outbox.stats()).toMatchObject({ batches: 1, rejected: 0 });
    await pusher.tick();
    expect(hub.storedSequences("gpu-box")).toEqual([nth(1)]);
    await hub.close();
    store.close();
  });

  it("a nudge pushes what was collected at once instead of at the end of the interval", async () => {
    const hub = memoryHub();
    const { pusher, observe } = setup("http://127.0.0.1:1", { pushIntervalMs: 60_000, send: hub.send });
    observe(1);
    pusher.start(); // first round after min(1 s, interval)
    await waitUntil(() => hub.arrivals.length === 1);
    const startedAt = performance.now();
    observe(2);
    pusher.nudge();
    await waitUntil(() => hub.arrivals.length === 2);
    expect(performance.now() - startedAt).toBeLessThan(5_000); // not the 60 s interval
    await pusher.stop();
  });

  it("a nudge never cuts a backoff short", async () => {
    let fail = true;
    const hub = memoryHub(() =>
      fail ? { kind: "retryable", reason: "hub answered 503", retryAfterMs: 30_000 } : { kind: "success", status: 200 },
    );
    const { pusher, observe } = setup("http://127.0.0.1:1", { pushIntervalMs: 60_000, send: hub.send });
    observe(1);
    pusher.start();
    await waitUntil(() => hub.arrivals.length === 1);
    fail = false;
    observe(2);
    pusher.nudge();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hub.arrivals).toHaveLength(1); // still waiting out the hub's Retry-After
    await pusher.stop();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
