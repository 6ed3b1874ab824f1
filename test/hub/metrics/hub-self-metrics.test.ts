import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHubActions } from "../../../hub/actions/register.ts";
import { ephemeralSigningKey } from "../../../hub/actions/signing-key.ts";
import { createHubApp } from "../../../hub/app.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { NotifyService } from "../../../hub/notify/notify-service.ts";
import { createRegistryServices } from "../../../hub/registry/services.ts";
import { startRules } from "../../../hub/rules/start-rules.ts";
import { SilenceMuter } from "../../../hub/silences/silence-muter.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { ApiError } from "../../../shared/http/api-error.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { batchEnvelope } from "../../support/batches.ts";
import { waitFor } from "../../support/processes.ts";
import { type PromFamily, type PromSample, parsePromText } from "../../support/prom-text.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { failoverHarness, GROUPS_YAML, T0 } from "../failover/harness.ts";
import { makeTestHub } from "../registry-helpers.ts";

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The value of sample `name` (a family's own name or its _bucket/_sum/_count) whose labels include `labels`. */
function value(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, "")) ?? families.get(name);
  const match = (s: PromSample) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return family?.samples.find(match)?.value;
}

async function scrape(request: (path: string) => Promise<Response>): Promise<Map<string, PromFamily>> {
  const res = await request("/metrics");
  expect(res.status).toBe(200);
  return parsePromText(await res.text());
}

/** A Slack-compatible receiver on 127.0.0.1 that answers 500 to the first `failFirst` messages, then "ok". */
async function slackReceiver(failFirst: number): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits++;
      if (hits <= failFirst) {
        res.writeHead(500);
        res.end("boom");
      } else res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/xyz`, hits: () => hits };
}

describe("the hub's self-metrics", () => {
  it("measure every group commit, and read the ingest queue and the WAL at each scrape", async () => {
    const hub = makeTestHub(tempDir());
    await hub.push({ agentId: "gpu-1", sequence: 1, samples: [{ name: "vigil_load1", value: 0.5 }] });
    await hub.push({
      agentId: "gpu-1",
      sequence: 2,
      samples: [
        { name: "vigil_load1", value: 0.6 },
        { name: "vigil_load5", value: 0.4 },
      ],
      states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, state: "ONLINE" }],
    });
    await hub.push({ agentId: "gpu-1", sequence: 2, samples: [{ name: "vigil_load1", value: 0.6 }] }); // a resend: still a commit
    const f = await scrape(hub.request);
    // Each request waited for its own commit: three commits of one batch, of 1, 3 and 1 samples and states.
    expect(value(f, "vigil_hub_ingest_commit_batches_count")).toBe(3);
    expect(value(f, "vigil_hub_ingest_commit_batches_sum")).toBe(3);
    expect(value(f, "vigil_hub_ingest_commit_samples_sum")).toBe(5);
    expect(value(f, "vigil_hub_ingest_commit_samples_bucket", { le: "1" })).toBeUndefined();
    expect(value(f, "vigil_hub_ingest_commit_samples_bucket", { le: "10" })).toBe(3);
    expect(value(f, "vigil_hub_ingest_commit_duration_seconds_count")).toBe(3);
    expect(value(f, "vigil_hub_ingest_queued_samples")).toBe(0);
    const pages = (hub.store.db.pragma("page_count", { simple: true }) as number) * 4096;
    const wal = value(f, "vigil_hub_db_wal_size_bytes") ?? Number.NaN;
    expect(wal).toBeGreaterThan(0);
    expect(value(f, "vigil_hub_db_size_bytes")).toBe(pages + wal);
    hub.store.close();
  });

  it("time rule evaluations, count alerts by state, and count delivery attempts per channel and outcome", async () => {
    const slack = await slackReceiver(1);
    const dir = tempDir();
    const file = join(dir, "hub.yaml");
    writeFileSync(
      file,
      [
        "notify:",
        `  channels: { ops: { type: slack, url: "${slack.url}" } }`,
        "  retry: { initialBackoff: 20ms, maxBackoff: 50ms }",
        "builtinRules:",
        "  pool-not-online: { cooldown: 0s }",
      ].join("\n"),
    );
    const { config } = loadHubConfig({ configFile: file, env: {} });
    const store = new HubStore(join(dir, "hub.sqlite"));
    const services = createRegistryServices({ db: store.db, config, now: Date.now });
    const metrics = services.metrics.alerting;
    // Wired as run-hub.ts wires it.
    const notify = new NotifyService({
      db: store.db,
      config,
      configSource: file,
      logger: silentLogger,
      muter: new SilenceMuter(store.db),
      onAttempt: (row, step) => metrics.notificationAttempt(row.channel, step.kind),
    });
    metrics.watchQueue(() => notify.queueDepth());
    const { registry } = services;
    const rules = startRules({
      db: store.db,
      config,
      hosts: (now) => registry.list(now),
      downAfterMs: (h) => registry.heartbeatInterval(h.id, h.pushIntervalMs) * registry.downAfterMissed,
      sink: notify.notifier,
      muter: new SilenceMuter(store.db),
      logger: silentLogger,
      tickMs: 3_600_000,
      onEvaluated: (trigger, seconds) => metrics.ruleEvaluated(trigger, seconds),
    });
    metrics.watchAlerts(() => rules.engine.alerts.values());
    store.onBatchStored(rules.onBatchStored);
    notify.start();
    cleanup.push(
      () => store.close(),
      () => notify.stop(),
      () => rules.stop(),
    );
    const app = createHubApp({ store, config, logger: silentLogger, version: "test", services, notify });
    const request = (path: string, init?: RequestInit) =>
      Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: "127.0.0.1" } } }));

    const states = [{ name: "vigil_zfs_pool_health", labels: { pool: "sata-bulk" }, state: "DEGRADED" }];
    const res = await request("/api/v1/ingest", {
      method: "POST",
      body: JSON.stringify(batchEnvelope({ timestamp: Date.now(), samples: [], states })),
    });
    expect(res.status).toBe(200);
    rules.tick();
    // The receiver fails the first attempt; the retry is delivered.
    await waitFor("the retried notification to be delivered", () => (slack.hits() >= 2 ? true : undefined), 10_000);
    const f = await waitFor("the delivery to be recorded", async () => {
      const families = await scrape(request);
      return value(families, "vigil_hub_notification_attempts_total", { channel: "ops", outcome: "delivered" }) === 1
        ? families
        : undefined;
    });
    expect(value(f, "vigil_hub_notification_attempts_total", { channel: "ops", outcome: "retry" })).toBe(1);
    expect(value(f, "vigil_hub_notification_queue_depth")).toBe(0);
    expect(value(f, "vigil_hub_alerts", { rule: "pool-not-online", state: "firing" })).toBe(1);
    expect(value(f, "vigil_hub_rule_evaluation_duration_seconds_count", { trigger: "batch" })).toBe(1);
    expect(value(f, "vigil_hub_rule_evaluation_duration_seconds_count", { trigger: "timer" })).toBe(1);
    expect(value(f, "vigil_hub_rule_evaluation_duration_seconds_bucket", { trigger: "batch", le: "+Inf" })).toBe(1);
  });

  it("count action requests by outcome and the agents' results by status", async () => {
    const hub = makeTestHub(tempDir());
    await hub.push({ agentId: "gpu-1", sequence: 1, samples: [{ name: "vigil_load1", value: 0.5 }] });
    const actions = createHubActions(
      { db: hub.store.db, config: hub.config, services: hub.services, logger: silentLogger, now: () => hub.clock.now },
      ephemeralSigningKey(),
    );
    const op = { name: "alice", role: "admin" as const };
    const body = { agentId: "gpu-1", action: "restart-ollama", params: {}, confirm: false, dryRun: false, waitMs: 0 };
    const queued = await actions.run(op, body);
    await actions.run(op, body);
    await expect(actions.run(op, { ...body, agentId: "nobody" })).rejects.toBeInstanceOf(ApiError);
    const result = { agentId: "gpu-1", action: "restart-ollama", argv: ["systemctl", "restart", "ollama"], exitCode: 0 };
    const common = { stdout: "", stderr: "", outputTruncated: false, startedAt: hub.clock.now, durationMs: 40 };
    actions.recordResult("gpu-1", { ...result, ...common, requestId: queued.requestId, status: "succeeded" });
    actions.recordResult("gpu-1", { ...result, ...common, requestId: randomUUID(), status: "timed_out", exitCode: null });
    actions.stop();
    const f = await scrape(hub.request);
    expect(value(f, "vigil_hub_action_requests_total", { outcome: "queued" })).toBe(2);
    expect(value(f, "vigil_hub_action_requests_total", { outcome: "host_not_found" })).toBe(1);
    expect(f.get("vigil_hub_action_results_total")?.samples.map((s) => [s.labels.status, s.value])).toEqual([
      ["succeeded", 1],
      ["timed_out", 1],
    ]);
    hub.store.close();
  });

  it("count failover switches by cause and show each group's active member, health and epoch", async () => {
    const h = failoverHarness(tempDir(), GROUPS_YAML);
    await h.round("ollama");
    let f = await scrape(h.request);
    expect(value(f, "vigil_hub_failover_active", { group: "ollama", member: "ollama-gpu" })).toBe(1);
    expect(value(f, "vigil_hub_failover_member_up", { group: "ollama", member: "ollama-gpu" })).toBe(1);
    // The job group's members have not been checked: no health at all rather than a made-up 0.
    expect(value(f, "vigil_hub_failover_member_up", { group: "predictions", member: "job-a" })).toBeUndefined();
    expect(value(f, "vigil_hub_failover_epoch", { group: "ollama" })).toBe(1);

    h.set("ollama-gpu", false);
    await h.runUntil("ollama", T0 + 60_000);
    f = await scrape(h.request);
    expect(value(f, "vigil_hub_failover_switches_total", { group: "ollama", cause: "failover" })).toBe(1);
    expect(value(f, "vigil_hub_failover_active", { group: "ollama", member: "ollama-gpu" })).toBe(0);
    expect(value(f, "vigil_hub_failover_active", { group: "ollama", member: "ollama-cpu" })).toBe(1);
    expect(value(f, "vigil_hub_failover_member_up", { group: "ollama", member: "ollama-gpu" })).toBe(0);
    expect(value(f, "vigil_hub_failover_available", { group: "ollama" })).toBe(1);
    expect(value(f, "vigil_hub_failover_epoch", { group: "ollama" })).toBe(2);
    h.close();
  });
});
