import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHubApp } from "../../../hub/app.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { NotifyService } from "../../../hub/notify/notify-service.ts";
import { createRegistryServices } from "../../../hub/registry/services.ts";
import { type RulesRuntime, startRules } from "../../../hub/rules/start-rules.ts";
import { SilenceMuter } from "../../../hub/silences/silence-muter.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { listen, type RunningServer } from "../../../shared/http/serve.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { batchEnvelope } from "../../support/batches.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A Slack-compatible receiver on 127.0.0.1 that answers "ok" and notes when each message arrived. */
async function slackReceiver(): Promise<{ url: string; received: Array<{ at: number; text: string }> }> {
  const received: Array<{ at: number; text: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ at: performance.now(), text: Buffer.concat(chunks).toString("utf8") });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/xyz`, received };
}

/** The hub wired as run-hub.ts wires it: store, notify (Slack channel), rules on the store's hook, the HTTP app. */
async function startHub(slackUrl: string): Promise<RunningServer> {
  const dir = tempDir();
  const file = join(dir, "hub.yaml");
  writeFileSync(
    file,
    `notify:\n  channels:\n    ops: { type: slack, url: "${slackUrl}" }\nbuiltinRules:\n  pool-not-online: { cooldown: 0s }\n`,
  );
  const { config } = loadHubConfig({ configFile: file, env: {} });
  const logger = createLogger({ component: "hub", level: "error", write: () => {} });
  const store = new HubStore(join(dir, "hub.sqlite"));
  const muter = new SilenceMuter(store.db);
  const notify = new NotifyService({ db: store.db, config, configSource: file, logger, muter });
  const services = createRegistryServices({ db: store.db, config, now: Date.now });
  const { registry } = services;
  const rules: RulesRuntime = startRules({
    db: store.db,
    config,
    hosts: (now) => registry.list(now),
    downAfterMs: (h) => registry.heartbeatInterval(h.id, h.pushIntervalMs) * registry.downAfterMissed,
    sink: notify.notifier,
    muter,
    logger,
  });
  store.onBatchStored(rules.onBatchStored);
  notify.start();
  const server = await listen(createHubApp({ store, config, logger, version: "test", services, notify }), "127.0.0.1", 0);
  cleanup.push(
    () => store.close(),
    () => notify.stop(),
    () => rules.stop(),
    () => server.close(),
  );
  return server;
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("from the ingest request to the Slack receiver", () => {
  it("a pool turning DEGRADED and back reaches Slack as firing and resolved; hub-side latency measured over 40 transitions", async () => {
    const slack = await slackReceiver();
    const hub = await startHub(slack.url);
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const state = i % 2 === 0 ? "DEGRADED" : "ONLINE";
      const body = batchEnvelope({
        sequence: i + 1,
        timestamp: Date.now(),
        samples: [],
        states: [{ name: "vigil_zfs_pool_health", labels: { pool: "sata-bulk" }, state }],
      });
      const sent = performance.now();
      const res = await fetch(`${hub.url}/api/v1/ingest`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(200);
      await waitFor(() => slack.received.length === i + 1, 10_000);
      latencies.push((slack.received[i]?.at ?? 0) - sent);
    }
    expect(slack.received[0]?.text).toContain("ZFS pool sata-bulk on gpu-box is DEGRADED");
    expect(slack.received[1]?.text.toLowerCase()).toContain("resolved");
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const p99 = sorted[sorted.length - 1] ?? 0;
    console.info(`ingest -> Slack receiver (ms, includes notify.groupWait 50 ms): p50 ${p50.toFixed(1)}, max ${p99.toFixed(1)}`);
    // The goal is 250 ms; the bound here leaves room for a loaded machine shared by many test runs.
    expect(p99).toBeLessThan(2000);
  });
});
