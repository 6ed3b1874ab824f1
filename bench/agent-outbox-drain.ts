/**
 * Outbox drain after an outage, and the agent's write cost per cycle. Simulates 24 hours of a GPU
 * box's collections at a 10 s interval written into a real agent store (the cost of each write and
 * seal is measured as it goes), then drains that outbox into a real hub on 127.0.0.1 with the
 * agent's Pusher, unthrottled and at the default drain rate. Not a test: prints a table and a JSON line.
 *
 *   npm run build && node_modules/.bin/node --lite-mode --max-semi-space-size=1 dist/bench/agent-outbox-drain.js --hours 24 --series 90
 *
 * (the agent's own Node flags, agent/node-flags.ts, so the write cost is the one the agent pays).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { get } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AgentStore } from "../agent/store/agent-store.ts";
import { Pusher } from "../agent/transport/pusher.ts";
import { BatchSealer } from "../agent/transport/sealer.ts";
import { silentLogger } from "../shared/log/logger.ts";
import { freePort } from "../shared/net/free-port.ts";
import type { NumericSample } from "../shared/protocol/samples.ts";

const { values } = parseArgs({
  options: {
    hours: { type: "string", default: "24" },
    series: { type: "string", default: "90" },
    interval: { type: "string", default: "10" },
    /** Seconds of draining at the default rate, to check the rate holds. */
    "rated-seconds": { type: "string", default: "10" },
  },
});
const HOURS = Number(values.hours);
const SERIES = Number(values.series);
const INTERVAL_MS = Number(values.interval) * 1000;
const RATED_SECONDS = Number(values["rated-seconds"]);
const DEFAULT_DRAIN_RATE = 20;
const ROOT = join(import.meta.dirname, "..", "..");
const host = { agentId: "bench-box", hostname: "bench-box", labels: {}, agentVersion: "bench", bootId: "bench-boot" };

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One cycle's samples: `SERIES` series drifting slowly, as real gauges do (pure noise would not compress like real data). */
function cycleSamples(ts: number, state: number[]): NumericSample[] {
  return state.map((v, i) => {
    const next = Math.max(0, v + (Math.random() - 0.5) * 2);
    state[i] = next;
    return {
      name: i < 40 ? "vigil_gpu_utilization_percent" : "vigil_cpu_usage_percent",
      labels: { gpu: String(i % 4), cpu: String(i) },
      timestamp: ts,
      value: Math.round(next * 100) / 100,
    };
  });
}

/**
 * Polls until `url` answers 200. node:http rather than fetch: the bench runs with the agent's flags, and
 * lite mode disables the WebAssembly that fetch (undici) parses HTTP with.
 */
async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = get(url, { timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-drain-"));
  const children: ChildProcess[] = [];
  try {
    const store = new AgentStore(join(dir, "agent.sqlite"));
    const sealer = new BatchSealer({ store, host, pushIntervalMs: INTERVAL_MS, outboxMaxBytes: 100_000_000, logger: silentLogger });
    const cycles = Math.round((HOURS * 3_600_000) / INTERVAL_MS);
    const state = Array.from({ length: SERIES }, () => Math.random() * 100);
    const t0 = Date.now() - cycles * INTERVAL_MS;
    const recordMs: number[] = [];
    const sealMs: number[] = [];
    for (let c = 0; c < cycles; c++) {
      const ts = t0 + c * INTERVAL_MS;
      const obs = { samples: cycleSamples(ts, state), states: [] };
      let t = performance.now();
      store.recordObservations(obs, ts);
      recordMs.push(performance.now() - t);
      t = performance.now();
      sealer.seal();
      sealMs.push(performance.now() - t);
    }
    const outbox = store.outbox.stats();
    const dbBytes = statSync(join(dir, "agent.sqlite")).size + statSync(join(dir, "agent.sqlite-wal")).size;
    let t = performance.now();
    store.db.pragma("quick_check");
    const quickCheckMs = performance.now() - t;

    const hubPort = await freePort();
    const hub = spawn(process.execPath, [join(ROOT, "dist/hub/main.js")], {
      env: { ...process.env, VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub"), VIGIL_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(hub);
    let hubErr = "";
    hub.stdout?.on("data", (d: Buffer) => {
      hubErr += d.toString();
    });
    hub.stderr?.on("data", (d: Buffer) => {
      hubErr += d.toString();
    });
    await waitForOk(`http://127.0.0.1:${hubPort}/readyz`, 30_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${hubErr}`);
    });
    const target = { url: `http://127.0.0.1:${hubPort}`, token: undefined, timeoutMs: 10_000 };
    const pusherWith = (rate: number, pushIntervalMs: number) =>
      new Pusher({
        store,
        sealer,
        target,
        pushIntervalMs,
        backoff: { initialMs: 100, maxMs: 1000 },
        drainRatePerSecond: rate,
        logger: silentLogger,
      });

    // At the default rate for a few seconds: does the rate hold?
    const rated = pusherWith(DEFAULT_DRAIN_RATE, RATED_SECONDS * 1000);
    const beforeRated = store.outbox.stats().batches;
    t = performance.now();
    await rated.tick();
    const ratedSeconds = (performance.now() - t) / 1000;
    const ratedBatches = beforeRated - store.outbox.stats().batches;

    // Unthrottled: how fast can the agent and the hub go?
    const fast = pusherWith(1_000_000, 3_600_000);
    const remaining = store.outbox.stats();
    const agentCpu0 = process.cpuUsage();
    const hubCpu0 = cpuMs(hub.pid as number);
    t = performance.now();
    while (store.outbox.stats().batches > 0) await fast.tick();
    const drainSeconds = (performance.now() - t) / 1000;
    const agentCpu = process.cpuUsage(agentCpu0);
    const hubCpuMs = cpuMs(hub.pid as number) - hubCpu0;
    store.close();

    recordMs.sort((a, b) => a - b);
    sealMs.sort((a, b) => a - b);
    const result = {
      node: process.version,
      hours: HOURS,
      seriesPerCycle: SERIES,
      intervalSeconds: INTERVAL_MS / 1000,
      cycles,
      outboxBatches: outbox.batches,
      outboxMb: outbox.bytes / 1e6,
      bytesPerBatch: outbox.bytes / outbox.batches,
      databaseMb: dbBytes / 1e6,
      quickCheckMs,
      writeMsP50: percentile(recordMs, 0.5),
      writeMsP99: percentile(recordMs, 0.99),
      sealMsP50: percentile(sealMs, 0.5),
      sealMsP99: percentile(sealMs, 0.99),
      ratedBatchesPerSecond: ratedBatches / ratedSeconds,
      defaultRateDrainMinutes: outbox.batches / DEFAULT_DRAIN_RATE / 60,
      unthrottledBatches: remaining.batches,
      unthrottledSeconds: drainSeconds,
      unthrottledBatchesPerSecond: remaining.batches / drainSeconds,
      unthrottledSamplesPerSecond: remaining.samples / drainSeconds,
      agentCpuMsPerBatch: (agentCpu.user + agentCpu.system) / 1000 / remaining.batches,
      hubCpuMsPerBatch: hubCpuMs / remaining.batches,
    };
    const f = (v: number, d = 2) => v.toFixed(d);
    const rows: Array<[string, string]> = [
      [
        `buffered (${HOURS} h at ${INTERVAL_MS / 1000} s, ${SERIES} series)`,
        `${result.outboxBatches} batches, ${f(result.outboxMb)} MB gzip (${f(result.bytesPerBatch, 0)} B each)`,
      ],
      ["agent.sqlite with its WAL", `${f(result.databaseMb)} MB (history included); quick_check ${f(quickCheckMs, 0)} ms`],
      ["write of one collection (p50 / p99)", `${f(result.writeMsP50, 3)} / ${f(result.writeMsP99, 3)} ms`],
      ["seal of one batch (p50 / p99)", `${f(result.sealMsP50, 3)} / ${f(result.sealMsP99, 3)} ms`],
      [
        `drain at the default ${DEFAULT_DRAIN_RATE}/s`,
        `${f(result.ratedBatchesPerSecond, 1)} batches/s measured; the whole backlog in ${f(result.defaultRateDrainMinutes, 1)} min`,
      ],
      [
        "drain unthrottled",
        `${f(result.unthrottledBatchesPerSecond, 0)} batches/s, ${f(result.unthrottledSamplesPerSecond, 0)} samples/s (${f(drainSeconds, 1)} s)`,
      ],
      ["CPU per batch drained (agent / hub)", `${f(result.agentCpuMsPerBatch)} / ${f(result.hubCpuMsPerBatch)} ms`],
    ];
    process.stdout.write(`\nOutbox drain and write cost (Node ${process.version})\n\n| measure | value |\n| --- | --- |\n`);
    for (const r of rows) process.stdout.write(`| ${r.join(" | ")} |\n`);
    process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack}\n`);
  process.exit(1);
});
