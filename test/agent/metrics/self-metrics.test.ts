import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Collector } from "../../../agent/collectors/collector.ts";
import { CollectorScheduler } from "../../../agent/collectors/scheduler.ts";
import { pushOutcome, UNLISTED_ACTION } from "../../../agent/metrics/activity-metrics.ts";
import { AgentSelfMetrics } from "../../../agent/metrics/self-metrics.ts";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { Pusher } from "../../../agent/transport/pusher.ts";
import { BatchSealer } from "../../../agent/transport/sealer.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { startFaultyHub } from "../../support/faulty-hub.ts";
import { freePort } from "../../support/processes.ts";
import { type PromFamily, type PromSample, parsePromText } from "../../support/prom-text.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const HOST = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };

async function scrape(self: AgentSelfMetrics): Promise<Map<string, PromFamily>> {
  return parsePromText(await self.registry.metrics());
}

/** The value of the sample of `name` (a family's own name or its _bucket/_sum/_count) whose labels include `labels`. */
function value(families: Map<string, PromFamily>, family: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const match = (s: PromSample) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return families.get(family)?.samples.find(match)?.value;
}

describe("the agent's self-metrics", () => {
  it("count each collector's cycles by outcome, time them in a histogram, and count what they kept", async () => {
    const self = new AgentSelfMetrics();
    const now = 1_790_000_000_000;
    const collectors: Collector[] = [
      {
        name: "gpu",
        // Two good samples, one the hub would refuse (NaN: dropped and not counted), one state.
        collect: async () => ({
          kind: "ok",
          samples: [
            { name: "vigil_gpu_temperature_celsius", labels: { gpu: "0" }, timestamp: now, value: 64 },
            { name: "vigil_gpu_power_watts", labels: { gpu: "0" }, timestamp: now, value: Number.NaN },
            { name: "vigil_gpu_memory_used_bytes", labels: { gpu: "0" }, timestamp: now, value: 20_401_094_656 },
          ],
          states: [{ name: "vigil_gpu_state", labels: { gpu: "0" }, timestamp: now, state: "ok" }],
        }),
      },
      { name: "zfs", collect: async () => ({ kind: "unavailable", reason: "zpool: not found" }) },
      {
        name: "units",
        collect: async () => {
          throw new Error("systemctl printed garbage");
        },
      },
    ];
    const scheduled = collectors.map((collector) => ({ collector, intervalMs: 10_000, timeoutMs: 1000 }));
    const scheduler = new CollectorScheduler({
      collectors: scheduled,
      sink: () => {},
      logger: silentLogger,
      now: () => now,
      onCycle: (r) => self.activity.collectorCycle(r),
    });
    for (const c of scheduled) await scheduler.runOnce(c);
    await scheduler.runOnce(scheduled[0] as (typeof scheduled)[number]);

    const f = await scrape(self);
    const cycles = "vigil_collector_cycles_total";
    expect(value(f, cycles, cycles, { collector: "gpu", outcome: "ok" })).toBe(2);
    expect(value(f, cycles, cycles, { collector: "zfs", outcome: "unavailable" })).toBe(1);
    expect(value(f, cycles, cycles, { collector: "units", outcome: "error" })).toBe(1);
    expect(f.get("vigil_collector_samples_total")?.samples.map((s) => [s.labels.collector, s.value])).toEqual([
      ["gpu", 4],
      ["zfs", 0],
      ["units", 0],
    ]);
    expect(value(f, "vigil_collector_states_total", "vigil_collector_states_total", { collector: "gpu" })).toBe(2);
    const h = "vigil_collector_cycle_duration_seconds";
    expect(f.get(h)?.type).toBe("histogram");
    expect(value(f, h, `${h}_count`, { collector: "gpu" })).toBe(2);
    expect(value(f, h, `${h}_count`, { collector: "units" })).toBe(1);
    // A cycle of an in-memory collector takes well under the 30 s bucket and more than nothing.
    expect(value(f, h, `${h}_bucket`, { collector: "gpu", le: "30" })).toBe(2);
    expect(value(f, h, `${h}_sum`, { collector: "gpu" })).toBeGreaterThan(0);
  });

  it("classify every push attempt, time it, and say whether the hub answered at all", async () => {
    const self = new AgentSelfMetrics();
    const hub = await startFaultyHub(tempDir());
    const store = new AgentStore(join(tempDir(), "agent.sqlite"));
    const sealer = new BatchSealer({ store, host: HOST, pushIntervalMs: 10_000, outboxMaxBytes: 100_000_000, logger: silentLogger });
    const pusherFor = (url: string) =>
      new Pusher({
        store,
        sealer,
        target: { url, token: undefined, timeoutMs: 2000 },
        pushIntervalMs: 10_000,
        backoff: { initialMs: 10, maxMs: 20 },
        drainRatePerSecond: 1000,
        logger: silentLogger,
        onAttempt: (r, seconds) => self.activity.pushAttempt(r, seconds),
      });
    let t = 1_790_000_000_000;
    const collectAndSeal = () => {
      t += 1000;
      store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: t, value: 0.5 }], states: [] }, t);
      sealer.seal();
    };
    collectAndSeal();
    collectAndSeal();
    hub.faults.push({ status: 503 }, { status: 400, body: '{"error":{"code":"INGEST_SCHEMA","message":"bad"}}' });
    const pusher = pusherFor(hub.url);
    // 503 (retryable), then the first batch rejected as invalid, then the second acknowledged.
    for (let i = 0; i < 4 && store.outbox.stats().batches > store.outbox.stats().rejected; i++) await pusher.tick();
    let f = await scrape(self);
    const attempts = (outcome: string) => value(f, "vigil_push_attempts_total", "vigil_push_attempts_total", { outcome });
    expect([attempts("retryable"), attempts("rejected"), attempts("acknowledged")]).toEqual([1, 1, 1]);
    expect(value(f, "vigil_push_hub_up", "vigil_push_hub_up")).toBe(1);
    expect(value(f, "vigil_push_duration_seconds", "vigil_push_duration_seconds_count")).toBe(3);

    // Nothing listens on this port: unreachable, and the hub is down as far as the agent knows.
    collectAndSeal();
    await pusherFor(`http://127.0.0.1:${await freePort()}`).tick();
    f = await scrape(self);
    expect(attempts("unreachable")).toBe(1);
    expect(value(f, "vigil_push_hub_up", "vigil_push_hub_up")).toBe(0);
    await hub.close();
    store.close();
  });

  it("name push outcomes from the send result", () => {
    expect(pushOutcome({ kind: "success", status: 200 })).toBe("acknowledged");
    expect(pushOutcome({ kind: "success", status: 200, duplicate: true })).toBe("duplicate");
    expect(pushOutcome({ kind: "failure", reason: "hub answered 413", status: 413, reject: true })).toBe("rejected");
    expect(pushOutcome({ kind: "failure", reason: "hub answered 401", status: 401, reject: false })).toBe("refused");
    expect(pushOutcome({ kind: "retryable", reason: "hub answered 429", status: 429 })).toBe("retryable");
    expect(pushOutcome({ kind: "retryable", reason: "cannot reach the hub: ECONNREFUSED" })).toBe("unreachable");
  });

  it("count action requests by action and status, an action outside the catalog under one label", async () => {
    const self = new AgentSelfMetrics();
    self.activity.actionHandled("restart-ollama", true, "succeeded");
    self.activity.actionHandled("restart-ollama", true, "succeeded");
    self.activity.actionHandled("restart-ollama", true, "refused");
    self.activity.actionHandled("rm -rf /", false, "refused");
    const f = await scrape(self);
    expect(f.get("vigil_action_requests_total")?.samples.map((s) => [s.labels.action, s.labels.status, s.value])).toEqual([
      ["restart-ollama", "succeeded", 2],
      ["restart-ollama", "refused", 1],
      [UNLISTED_ACTION, "refused", 1],
    ]);
  });

  it("read the process at each scrape under prom-client's names, with no timer-sampled ones", async () => {
    const self = new AgentSelfMetrics();
    const f = await scrape(self);
    const one = (name: string) => f.get(name)?.samples[0]?.value;
    expect(one("process_resident_memory_bytes")).toBeGreaterThan(20 * 1024 * 1024);
    expect(one("process_open_fds")).toBeGreaterThan(2);
    expect(one("process_max_fds")).toBeGreaterThanOrEqual(one("process_open_fds") ?? Number.POSITIVE_INFINITY);
    expect(one("process_start_time_seconds")).toBeCloseTo(Date.now() / 1000 - process.uptime(), -1);
    const user = one("process_cpu_user_seconds_total") ?? 0;
    const system = one("process_cpu_system_seconds_total") ?? 0;
    expect(user).toBeGreaterThan(0);
    expect(one("process_cpu_seconds_total")).toBeCloseTo(user + system, 6);
    expect(f.get("nodejs_version_info")?.samples[0]?.labels.version).toBe(process.version);
    expect([...f.keys()].filter((n) => /eventloop|gc_duration|active_handles/.test(n))).toEqual([]);
  });

  it("read the outbox, the push counters and the database's size from live state at each scrape", async () => {
    const dir = tempDir();
    const store = new AgentStore(join(dir, "agent.sqlite"));
    const sealer = new BatchSealer({ store, host: HOST, pushIntervalMs: 10_000, outboxMaxBytes: 5_000_000, logger: silentLogger });
    const self = new AgentSelfMetrics();
    let now = 1_790_000_000_000;
    const push = { batchesSent: 12, duplicatesAcknowledged: 1, batchesRejected: 0, failedAttempts: 3, lastSuccessAt: now - 4000 };
    self.watch(
      () => ({
        agentId: "gpu-box",
        version: "0.1.0",
        mode: "push",
        outbox: store.outbox.stats(),
        outboxMaxBytes: 5_000_000,
        push,
        pullBatchesServed: 0,
        now,
      }),
      store.db,
    );
    store.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: now, value: 0.5 }], states: [] }, now);
    sealer.seal();
    now += 2500;
    const f = await scrape(self);
    const one = (name: string) => f.get(name)?.samples[0]?.value;
    expect(one("vigil_outbox_batches")).toBe(1);
    expect(one("vigil_outbox_samples")).toBe(1);
    expect(one("vigil_outbox_max_bytes")).toBe(5_000_000);
    expect(one("vigil_push_batches_total")).toBe(12);
    expect(one("vigil_push_failures_total")).toBe(3);
    expect(one("vigil_push_last_success_age_seconds")).toBe(6.5);
    expect(f.get("vigil_agent_info")?.samples[0]?.labels).toEqual({ agent_id: "gpu-box", version: "0.1.0", mode: "push" });
    const pages = (store.db.pragma("page_count", { simple: true }) as number) * (store.db.pragma("page_size", { simple: true }) as number);
    expect(one("vigil_store_size_bytes")).toBe(pages + (one("vigil_store_wal_size_bytes") ?? Number.NaN));
    expect(one("vigil_store_wal_size_bytes")).toBeGreaterThan(0);
    store.close();
  });
});
