import { afterEach, describe, expect, it } from "vitest";
import { PullError } from "../../hub/pull/fetch-page.ts";
import { Puller } from "../../hub/pull/puller.ts";
import { runLimited } from "../../hub/pull/run-limited.ts";
import { type PullTarget, type ScrapeDeps, scrapeAgent } from "../../hub/pull/scrape-agent.ts";
import { HostRegistry } from "../../hub/registry/host-registry.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { Secret } from "../../shared/config/secret.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { inFlight, startFakeAgent } from "./pull-fake-agent.ts";

const tempDir = useTempDirs();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function agent(o: Parameters<typeof startFakeAgent>[0]) {
  const a = await startFakeAgent(o);
  closers.push(a.close);
  return a;
}

function setup(pullIntervalMs = 10_000) {
  const store = new HubStore(`${tempDir()}/hub.sqlite`);
  closers.push(async () => store.close());
  const clock = { now: 1_790_000_100_000 };
  const targets = new Map<string, number>();
  const registry = new HostRegistry({ db: store.db, downAfterMissed: 3, pullIntervals: targets });
  const deps: ScrapeDeps = {
    registry,
    storeBatch: (batch, now) => store.ingest(batch, now),
    intervalMs: pullIntervalMs,
    maxPages: 10,
    maxBytes: 8 * 1024 * 1024,
    userAgent: "vigil-hub/test",
    now: () => clock.now,
  };
  const target = (id: string, url: string, token: string): PullTarget => {
    targets.set(id, pullIntervalMs);
    return { id, url, token: new Secret(token, "inline") };
  };
  const rows = (table: string) => store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  const sequences = (id: string) =>
    store.db.prepare("SELECT sequence FROM received_batches WHERE agent_id = ? ORDER BY sequence").pluck().all(id) as number[];
  return { store, registry, deps, clock, target, rows, sequences };
}

const signal = () => AbortSignal.timeout(10_000);

describe("scrapeAgent", () => {
  it("takes every batch page by page through the ingest path, acknowledging with after=", async () => {
    const a = await agent({ agentId: "lab-1", token: "tok-lab-1", batches: 250, samplesPerBatch: 3 });
    const s = setup();
    const result = await scrapeAgent(s.target("lab-1", a.url, "tok-lab-1"), s.deps, signal());
    expect(result).toEqual({ pages: 3, batches: 250, storedBatches: 250, storedSamples: 750, more: false, lastSequence: 250 });
    expect(a.requests.map((r) => [r.after, r.limit])).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
    ]);
    expect(a.requests.every((r) => r.authorization === "Bearer tok-lab-1" && r.gzip)).toBe(true);
    expect(s.sequences("lab-1")).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(s.rows("samples")).toBe(750);
    expect(s.registry.get("lab-1", s.clock.now)).toMatchObject({ lastSequence: 250, status: "up", mode: "pull", hostname: "lab-1.lan" });

    a.seal();
    const next = await scrapeAgent(s.target("lab-1", a.url, "tok-lab-1"), s.deps, signal());
    expect(next).toMatchObject({ pages: 1, batches: 1, storedBatches: 1, lastSequence: 251 });
    expect(a.requests.at(-1)?.after).toBe(250);
  });

  it("stops after maxPages, and the next scrape resumes where it stopped", async () => {
    const a = await agent({ agentId: "lab-1", token: "t", batches: 250 });
    const s = setup();
    s.deps.maxPages = 2;
    const first = await scrapeAgent(s.target("lab-1", a.url, "t"), s.deps, signal());
    expect(first).toMatchObject({ pages: 2, batches: 200, more: true, lastSequence: 200 });
    const second = await scrapeAgent(s.target("lab-1", a.url, "t"), s.deps, signal());
    expect(second).toMatchObject({ pages: 1, batches: 50, more: false, lastSequence: 250 });
    expect(s.sequences("lab-1")).toHaveLength(250);
  });

  it("stores nothing twice when the agent resends what it already gave", async () => {
    const a = await agent({ agentId: "lab-1", token: "t", batches: 5 });
    const s = setup();
    await scrapeAgent(s.target("lab-1", a.url, "t"), s.deps, signal());
    // The hub lost track of the sequence (say, restored from a backup): the agent sends 1..5 again.
    s.store.db.prepare("UPDATE hosts SET last_sequence = 0").run();
    const again = await scrapeAgent(s.target("lab-1", a.url, "t"), s.deps, signal());
    expect(again).toMatchObject({ batches: 5, storedBatches: 0, storedSamples: 0 });
    expect(s.rows("samples")).toBe(10);
  });

  it("records a heartbeat, and lists the host, when the agent has nothing sealed yet", async () => {
    const a = await agent({ agentId: "lab-1", token: "t", batches: 0 });
    const s = setup(30_000);
    expect(await scrapeAgent(s.target("lab-1", a.url, "t"), s.deps, signal())).toMatchObject({ pages: 1, batches: 0 });
    expect(s.registry.get("lab-1", s.clock.now)).toMatchObject({ lastSeen: s.clock.now, pushIntervalMs: 30_000, status: "up" });
  });

  it("fails naming the cause: wrong token, wrong identity, invalid page, closed port", async () => {
    const s = setup();
    const good = await agent({ agentId: "lab-1", token: "right", batches: 3 });
    const liar = await agent({ agentId: "lab-2", token: "t", batches: 3, claimsId: "lab-9" });
    const broken = await agent({
      agentId: "lab-3",
      token: "t",
      rawBody: JSON.stringify({ protocolVersion: 1, kind: "sample_page", payload: {} }),
    });
    const closed = await agent({ agentId: "lab-4", token: "t" });
    await closed.close();
    const failure = async (t: PullTarget) => {
      const err = await scrapeAgent(t, s.deps, signal()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PullError);
      return [(err as PullError).kind, (err as PullError).message];
    };
    expect(await failure(s.target("lab-1", good.url, "wrong"))).toEqual([
      "http_401",
      "GET /api/v1/samples answered 401: AGENT_TOKEN_INVALID: the token is not this agent's (check pull.agents[].token against the agent's token)",
    ]);
    expect(await failure(s.target("lab-2", liar.url, "t"))).toEqual([
      "identity",
      'the agent at this URL says it is "lab-9", but pull.agents lists it as "lab-2"',
    ]);
    const [kind, message] = await failure(s.target("lab-3", broken.url, "t"));
    expect(kind).toBe("invalid");
    expect(message).toContain("GET /api/v1/samples: not a valid sample_page: payload.host: ");
    expect((await failure(s.target("lab-4", closed.url, "t")))[0]).toBe("unreachable");
    expect(s.rows("samples")).toBe(0);
    expect(s.registry.list(s.clock.now)).toEqual([]);
  });

  it("keeps an agent's path prefix", async () => {
    const a = await agent({ agentId: "lab-1", token: "t", batches: 1 });
    const s = setup();
    await expect(scrapeAgent(s.target("lab-1", `${a.url}/behind/proxy`, "t"), s.deps, signal())).rejects.toThrow(
      "GET /behind/proxy/api/v1/samples answered 404",
    );
  });
});

describe("Puller", () => {
  it("keeps at most `concurrency` scrapes in flight", async () => {
    inFlight.max = 0;
    const agents = await Promise.all(
      ["a", "b", "c", "d", "e", "f"].map((id) => agent({ agentId: id, token: "t", batches: 1, delayMs: 150 })),
    );
    const s = setup();
    const puller = new Puller({
      targets: agents.map((a, i) => s.target(["a", "b", "c", "d", "e", "f"][i] as string, a.url, "t")),
      concurrency: 2,
      timeoutMs: 10_000,
      intervalMs: 60_000,
      scrape: (t, sig) => scrapeAgent(t, s.deps, sig),
      logger: createLogger({ component: "test", write: () => {} }),
    });
    const started = performance.now();
    await puller.runRound();
    expect(inFlight.max).toBe(2);
    // Six 150 ms answers, two at a time: at least three rounds of waiting.
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 140);
    expect(puller.states().every((st) => st.up)).toBe(true);
    expect(s.registry.list(s.clock.now).map((h) => h.id)).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("bounds a slow agent by the timeout while the others are stored; the slow host turns down like a pushed one", async () => {
    const fast = await agent({ agentId: "fast", token: "t", batches: 2 });
    const slow = await agent({ agentId: "slow", token: "t", batches: 2, delayMs: 5000 });
    const s = setup(10_000);
    // The slow agent answered once, a while ago.
    s.registry.recordHeartbeat({ agentId: "slow", hostname: "slow", labels: {}, agentVersion: "0.2.0", bootId: "b" }, 10_000, s.clock.now);
    const lines: string[] = [];
    const puller = new Puller({
      targets: [s.target("slow", slow.url, "t"), s.target("fast", fast.url, "t")],
      concurrency: 4,
      timeoutMs: 300,
      intervalMs: 60_000,
      scrape: (t, sig) => scrapeAgent(t, s.deps, sig),
      logger: createLogger({ component: "test", write: (l) => void lines.push(l) }),
    });
    const started = performance.now();
    await puller.runRound();
    expect(performance.now() - started).toBeLessThan(3000);
    const states = Object.fromEntries(puller.states().map((st) => [st.id, st]));
    expect(states.fast).toMatchObject({ up: true, lastError: null });
    expect(states.slow).toMatchObject({
      up: false,
      lastError: "GET /api/v1/samples: no complete answer within the scrape timeout (pull.timeout)",
    });
    expect(s.sequences("fast")).toEqual([1, 2]);
    expect(s.sequences("slow")).toEqual([]);

    await puller.runRound();
    expect(lines.filter((l) => l.includes("pull scrape failed"))).toHaveLength(1);
    expect(lines[0]).toContain('"agentId":"slow"');
    expect(lines[0]).toContain('"reason":"timeout"');
    expect(lines.join("\n")).not.toContain('"t"');

    s.clock.now += 30_000;
    expect(Object.fromEntries(s.registry.list(s.clock.now).map((h) => [h.id, h.status]))).toEqual({ fast: "up", slow: "up" });
    s.clock.now += 1;
    expect(Object.fromEntries(s.registry.list(s.clock.now).map((h) => [h.id, h.status]))).toEqual({ fast: "down", slow: "down" });
  });

  it("skips an agent whose scrape is still running, logs its recovery once, and stop() aborts promptly", async () => {
    const slow = await agent({ agentId: "slow", token: "t", batches: 1, delayMs: 400 });
    const s = setup();
    const lines: string[] = [];
    let fail = true;
    const puller = new Puller({
      targets: [s.target("slow", slow.url, "t")],
      concurrency: 1,
      timeoutMs: 5000,
      intervalMs: 50,
      scrape: async (t, sig) => {
        if (fail) throw new PullError("unreachable", "down for a moment");
        return scrapeAgent(t, s.deps, sig);
      },
      logger: createLogger({ component: "test", write: (l) => void lines.push(l) }),
    });
    await puller.runRound();
    fail = false;
    const first = puller.runRound();
    await puller.runRound(); // the agent is still being scraped: skipped
    await first;
    expect(slow.requests).toHaveLength(1);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["pull scrape failed", "pull scrape recovered"]);

    puller.start();
    await waitFor("a scrape in flight", () => puller.states()[0]?.scraping || undefined, 5000, 10);
    const stopping = performance.now();
    await puller.stop();
    expect(performance.now() - stopping).toBeLessThan(300);
    expect(puller.states()[0]?.scraping).toBe(false);
  });
});

describe("runLimited", () => {
  it("runs every item once, at most `limit` at a time, in order of start", async () => {
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await runLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      order.push(n);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10 + (n % 3) * 5));
      running--;
    });
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
    await runLimited([], 3, async () => {
      throw new Error("never called");
    });
  });
});
