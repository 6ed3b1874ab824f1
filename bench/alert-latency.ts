/**
 * Alert latency: the time from the ingest request that carries a threshold-crossing sample to the
 * Slack receiver getting the message, over N alerts (and the same for the sample going back under
 * the threshold: the resolved message). A real vigil-hub (dist/) on 127.0.0.1 with one rule and one
 * Slack channel pointed at a receiver in this process, which timestamps each arrival on the same
 * clock as the request. Alerts are measured one after another (each has its own series, so cooldown
 * never delays one). Optionally runs the Prometheus + Alertmanager anchor
 * (/work/shared/anchors/bench_alert_latency.py, Debian packages) in the same run. Not a test:
 * prints a table and `RESULT {json}`.
 *
 *   npm run build && node_modules/.bin/node dist/bench/alert-latency.js --alerts 200 [--anchor tuned,default]
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";
import { PROTOCOL_VERSION } from "../shared/protocol/version.ts";

const { values } = parseArgs({
  options: {
    alerts: { type: "string", default: "200" },
    warmup: { type: "string", default: "5" },
    /** notify.groupWait for the hub; empty: the hub's default. */
    "group-wait": { type: "string", default: "" },
    /** Comma-separated anchor modes to run after Vigil's measurement: tuned, tuned1, default. */
    anchor: { type: "string", default: "" },
    "anchor-script": { type: "string", default: "/work/shared/anchors/bench_alert_latency.py" },
    "anchor-runs-tuned": { type: "string", default: "20" },
    "anchor-runs-default": { type: "string", default: "1" },
    "json-out": { type: "string" },
  },
});
const ALERTS = Number(values.alerts);
const WARMUP = Number(values.warmup);
const ROOT = join(import.meta.dirname, "..", "..");
const AGENT = "bench-gpu";
const TICK_MS = 10; // USER_HZ is 100 on Linux
const MESSAGE = /\*bench-hot\* (firing|resolved)\nbench alert (\d+)/g;

/** Arrivals at the Slack receiver by "<status> <n>", on performance.now(). */
async function startSlackReceiver() {
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now();
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      const text = Buffer.concat(chunks).toString("utf8");
      for (const m of JSON.stringify(JSON.parse(text).blocks).replaceAll("\\n", "\n").matchAll(MESSAGE)) {
        const key = `${m[1]} ${m[2]}`;
        arrivals.set(key, at);
        waiters.get(key)?.(at);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/bench`;
  const arrival = (key: string, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const seen = arrivals.get(key);
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no "${key}" message within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  return { url, arrival, close: () => server.close() };
}

function batch(sequence: number, gpu: number, value: number): Buffer {
  const now = Date.now();
  return gzipSync(
    JSON.stringify({
      protocolVersion: PROTOCOL_VERSION,
      kind: "sample_batch",
      payload: {
        host: { agentId: AGENT, hostname: "bench-gpu.lan", labels: {}, agentVersion: "bench", bootId: "bench-boot" },
        sequence,
        sealedAt: now,
        pushIntervalMs: 10_000,
        samples: [{ name: "vigil_gpu_temperature_celsius", labels: { gpu: String(gpu) }, timestamp: now, value }],
        states: [],
      },
    }),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function summary(xs: readonly number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    min: r(s[0] ?? 0),
    max: r(s.at(-1) ?? 0),
  };
}

function hubUsage(pid: number): { rssMb: number; hwmMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024,
    hwmMb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024,
    cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
  };
}

async function measureVigil(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-alert-bench-"));
  const slack = await startSlackReceiver();
  let hub: ChildProcess | undefined;
  try {
    const port = await freePort();
    const notify: Record<string, unknown> = { channels: { chat: { type: "slack", url: slack.url } } };
    if (values["group-wait"]) notify.groupWait = values["group-wait"];
    writeFileSync(
      join(dir, "hub.yaml"),
      stringify({
        listen: `127.0.0.1:${port}`,
        dataDir: join(dir, "data"),
        log: { level: "warn" },
        builtinRules: { "gpu-temperature": false },
        rules: [
          {
            name: "bench-hot",
            series: "vigil_gpu_temperature_celsius",
            condition: ">",
            critical: 90,
            cooldown: "1s",
            annotations: { summary: "bench alert {{labels.gpu}}" },
          },
        ],
        notify,
      }),
    );
    hub = spawn(process.execPath, [join(ROOT, "dist/hub/main.js"), "--config", join(dir, "hub.yaml")], { stdio: "inherit" });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttpOk(`${base}/readyz`, 15_000);
    const pid = hub.pid as number;

    let sequence = 0;
    const push = async (gpu: number, value: number): Promise<{ sent: number; answered: number }> => {
      const sent = performance.now();
      const res = await fetch(`${base}/api/v1/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: batch(++sequence, gpu, value),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
      return { sent, answered: performance.now() };
    };

    const firing: number[] = [];
    const resolved: number[] = [];
    const ingestAck: number[] = [];
    const cpuBefore = hubUsage(pid).cpuMs;
    for (let i = 0; i < WARMUP + ALERTS; i++) {
      const gpu = 1000 + i;
      await push(gpu, 50);
      const up = await push(gpu, 95);
      const firedAt = await slack.arrival(`firing ${gpu}`, 10_000);
      const down = await push(gpu, 50);
      const resolvedAt = await slack.arrival(`resolved ${gpu}`, 10_000);
      if (i < WARMUP) continue;
      firing.push(firedAt - up.sent);
      resolved.push(resolvedAt - down.sent);
      ingestAck.push(up.answered - up.sent);
    }
    const usage = hubUsage(pid);
    const overview = (await (await fetch(`${base}/api/v1/notifications`)).json()) as { counts: Record<string, number> };
    return {
      alerts: ALERTS,
      groupWait: values["group-wait"] || "default (50ms)",
      firing_ms: summary(firing),
      resolved_ms: summary(resolved),
      ingest_ack_ms: summary(ingestAck),
      hub_rss_mb: Math.round(usage.rssMb * 10) / 10,
      hub_hwm_mb: Math.round(usage.hwmMb * 10) / 10,
      hub_cpu_ms_per_alert: Math.round(((usage.cpuMs - cpuBefore) / ALERTS) * 10) / 10,
      notifications: overview.counts,
    };
  } finally {
    hub?.kill("SIGTERM");
    slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the Prometheus + Alertmanager anchor script: its RESULT line, and percentiles (ms) from its per-run numbers. */
function runAnchor(mode: string): Promise<Record<string, unknown>> {
  const runs = mode === "default" ? values["anchor-runs-default"] : values["anchor-runs-tuned"];
  const out = join(mkdtempSync(join(tmpdir(), "vigil-anchor-")), `${mode}.json`);
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      [values["anchor-script"] as string, "--mode", mode, "--runs", String(runs), "--json-out", out],
      { maxBuffer: 64 * 1024 * 1024, timeout: 3 * 3_600_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`anchor ${mode} failed: ${err.message}\n${stderr.slice(-2000)}`));
        const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
        if (!line) return reject(new Error(`anchor ${mode} printed no RESULT line`));
        const raw = JSON.parse(readFileSync(out, "utf8")) as { runs: Array<Record<string, number | null>> };
        const ms = (key: string) =>
          raw.runs
            .map((r) => r[key])
            .filter((v): v is number => typeof v === "number")
            .map((v) => v * 1000);
        resolve({
          result: JSON.parse(line.slice("RESULT ".length)) as Record<string, unknown>,
          firing_ms: summary(ms("fire_total_s")),
          resolved_ms: summary(ms("resolve_total_s")),
          runs_file: out,
        });
      },
    );
  });
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const vigil = await measureVigil();
  const f = vigil.firing_ms as ReturnType<typeof summary>;
  const r = vigil.resolved_ms as ReturnType<typeof summary>;
  const a = vigil.ingest_ack_ms as ReturnType<typeof summary>;
  process.stdout.write(
    [
      `vigil-hub, ${ALERTS} alerts one after another (group window ${vigil.groupWait}):`,
      `  ingest request -> Slack receiver, firing:   p50 ${f.p50} ms   p90 ${f.p90} ms   p99 ${f.p99} ms   max ${f.max} ms`,
      `  ingest request -> Slack receiver, resolved: p50 ${r.p50} ms   p90 ${r.p90} ms   p99 ${r.p99} ms   max ${r.max} ms`,
      `  ingest request -> ingest answer:            p50 ${a.p50} ms   p99 ${a.p99} ms`,
      `  hub RSS ${vigil.hub_rss_mb} MB (peak ${vigil.hub_hwm_mb} MB), CPU ${vigil.hub_cpu_ms_per_alert} ms per alert (firing + resolved)`,
      "",
    ].join("\n"),
  );
  const anchors: Record<string, unknown> = {};
  for (const mode of (values.anchor as string).split(",").filter(Boolean)) {
    process.stdout.write(`running the Prometheus + Alertmanager anchor, mode ${mode} (this takes minutes)...\n`);
    const res = await runAnchor(mode);
    anchors[mode] = res;
    const af = res.firing_ms as ReturnType<typeof summary>;
    const ar = res.resolved_ms as ReturnType<typeof summary>;
    process.stdout.write(
      `  ${mode}, ${af.n} runs: firing p50 ${af.p50} ms p90 ${af.p90} ms max ${af.max} ms; resolved p50 ${ar.p50} ms p90 ${ar.p90} ms max ${ar.max} ms\n`,
    );
  }
  const result = { bench: "alert_latency", started, node: process.version, vigil, anchors };
  if (values["json-out"]) writeFileSync(values["json-out"], JSON.stringify(result, null, 2));
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

await main();
