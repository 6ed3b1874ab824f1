/**
 * Failover benchmark (docs/benchmarks.md, "Failover"): with the hub's default failover settings
 * (checks every 2 s, down after 3 failures, lease 10 s), the time from killing the primary to
 *  - the first request served by the fallback through the hub's proxy (an Ollama group), and
 *  - the fallback job being allowed to run (the lease run-if-active asks for, on host B),
 * over several trials, each killing at a random point of the check cycle. Also the wall time of one
 * `vigil-agent run-if-active` on a host that may run.
 *
 *   npm run build && node dist/bench/failover.js [--trials 5]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";
import { startFakeOllama } from "./failover-fake-ollama.ts";

const DIST = join(import.meta.dirname, "..");
const POLL_MS = 50;

interface Trial {
  proxyMs: number;
  leaseMs: number;
  /** The same with host A granted a lease just before it died: B waits for that lease too. */
  leaseAfterRecentGrantMs?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: "string", default: "5" } } });
  const trials = Number(values.trials);
  const results: Trial[] = [];
  for (let i = 0; i < trials; i++) {
    const t = await trial(i % 2 === 1);
    results.push(t);
    const recent = t.leaseAfterRecentGrantMs === undefined ? "" : `, after A's fresh lease ${t.leaseAfterRecentGrantMs} ms`;
    process.stdout.write(
      `trial ${i + 1}: proxy served by the fallback after ${t.proxyMs} ms; fallback job allowed after ${t.leaseMs} ms${recent}\n`,
    );
  }
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `min ${s[0]} ms, median ${s[Math.floor(s.length / 2)]} ms, max ${s.at(-1)} ms`;
  };
  process.stdout.write(`\nkill -> first proxied request served by the fallback: ${summary(results.map((r) => r.proxyMs))}\n`);
  const usual = results.filter((r) => r.leaseAfterRecentGrantMs === undefined).map((r) => r.leaseMs);
  process.stdout.write(`kill -> fallback job allowed to run:                 ${summary(usual)}\n`);
  const recent = results.flatMap((r) => (r.leaseAfterRecentGrantMs === undefined ? [] : [r.leaseAfterRecentGrantMs]));
  if (recent.length > 0) process.stdout.write(`  ... when A had just been granted a lease:        ${summary(recent)}\n`);
}

/** One hub with both patterns at default settings; kills the primaries at a random point of the check cycle. */
async function trial(recentGrant: boolean): Promise<Trial> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-failover-"));
  const stops: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const gpu = await startFakeOllama({ name: "ollama-gpu" });
    const cpu = await startFakeOllama({ name: "ollama-cpu" });
    stops.push(
      () => gpu.kill(),
      () => cpu.kill(),
    );
    let aUp = true;
    const aService = await serve((_req, res) => res.writeHead(aUp ? 200 : 503).end());
    const bService = await serve((_req, res) => res.writeHead(200).end());
    stops.push(
      () => close(aService),
      () => close(bService),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const yaml = join(dir, "hub.yaml");
    writeFileSync(
      yaml,
      `listen: 127.0.0.1:${port}
dataDir: ${join(dir, "hub")}
log: { level: warn }
auth:
  agents: [{ id: box-a, token: bench-a }, { id: box-b, token: bench-b }]
failover:
  groups:
    ollama:
      proxy: { enabled: true }
      members:
        - { name: ollama-gpu, host: gpu-box, kind: ollama, url: "${gpu.url}" }
        - { name: ollama-cpu, host: gpu-box, kind: ollama, url: "${cpu.url}" }
    predictions:
      members:
        - { name: job-a, host: box-a, kind: job, check: { kind: http, url: "${address(aService)}" } }
        - { name: job-b, host: box-b, kind: job, check: { kind: http, url: "${address(bService)}" } }
`,
    );
    const hub = spawn(process.execPath, [join(DIST, "hub", "main.js"), "--config", yaml], { stdio: ["ignore", "ignore", "inherit"] });
    stops.push(() => stop(hub));
    await waitForHttpOk(`${url}/readyz`, 15_000);
    await until(async () => {
      const s = (await (await fetch(`${url}/api/v1/failover`)).json()) as { groups: Array<{ members: Array<{ status: string }> }> };
      return s.groups.every((g) => g.members.every((m) => m.status === "up"));
    }, 20_000);
    await new Promise((r) => setTimeout(r, Math.random() * 2000));
    if (recentGrant) await lease(url, "bench-a");
    const killedAt = performance.now();
    aUp = false;
    await gpu.kill();
    let proxyMs: number | undefined;
    let leaseMs: number | undefined;
    await until(async () => {
      if (proxyMs === undefined && (await servedBy(url)) === "ollama-cpu") proxyMs = Math.round(performance.now() - killedAt);
      if (leaseMs === undefined && (await lease(url, "bench-b")).active) leaseMs = Math.round(performance.now() - killedAt);
      return proxyMs !== undefined && leaseMs !== undefined;
    }, 60_000);
    if (!recentGrant) await gateOnce(dir, url);
    const t: Trial = { proxyMs: proxyMs as number, leaseMs: leaseMs as number };
    return recentGrant ? { ...t, leaseAfterRecentGrantMs: t.leaseMs } : t;
  } finally {
    for (const s of stops.reverse()) await s();
  }
}

let gateReported = false;

/** One real `vigil-agent run-if-active` on host B, which may run: its wall time, once per benchmark. */
async function gateOnce(dir: string, url: string): Promise<void> {
  if (gateReported) return;
  gateReported = true;
  const config = join(dir, "box-b.yaml");
  writeFileSync(config, `agent: { id: box-b }\ndataDir: ${join(dir, "box-b")}\nhub: { url: "${url}", token: bench-b }\n`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...AGENT_NODE_FLAGS, join(DIST, "agent", "main.js"), "run-if-active", "-c", config, "predictions", "--", "true"],
    { stdio: "ignore" },
  );
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  process.stdout.write(
    `  run-if-active on the fallback host: exit ${code} after ${Math.round(performance.now() - started)} ms (process start to exit)\n`,
  );
}

async function servedBy(url: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/proxy/ollama/api/generate`, {
      method: "POST",
      body: '{"model":"llama3.2:1b","prompt":"hi","stream":false}',
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.status === 200 ? res.headers.get("x-vigil-failover-member") : null;
  } catch {
    return null;
  }
}

async function lease(url: string, token: string): Promise<{ active: boolean }> {
  const res = await fetch(`${url}/api/v1/failover/predictions/lease`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { active: boolean };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`not done within ${timeoutMs} ms`);
}

function serve(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const s = createServer(handler);
  return new Promise((r) => s.listen(0, "127.0.0.1", () => r(s)));
}

function address(s: Server): string {
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/health`;
}

function close(s: Server): Promise<void> {
  return new Promise((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once("exit", () => r());
    child.kill("SIGTERM");
  });
}

await main();
