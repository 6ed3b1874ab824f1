/**
 * The hub's memory under a steady stream of GET /api/v1/alerts (what the MCP server and the dashboard
 * poll): a real vigil-hub (dist/) on 127.0.0.1 over a database seeded with alerts and their history,
 * action requests and silences, asked `--requests` times by `--concurrency` clients; prints its RSS
 * every tenth of the run and the growth per request after a warm-up. `--path` asks another list
 * (/api/v1/actions, /api/v1/silences, /api/v1/remediation, /api/v1/mcp/calls). Not a test: prints a
 * table and `RESULT {json}`.
 *
 *   npm run build && node_modules/.bin/node dist/bench/hub-alerts-memory.js [--requests 8000] [--concurrency 4]
 *     [--path /api/v1/alerts] [--query "state=active&history=0"] [--hub-flags=--trace-gc]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ActionStore } from "../hub/actions/action-store.ts";
import { AlertStore } from "../hub/rules/alert-store.ts";
import { SilenceStore } from "../hub/silences/silence-store.ts";
import { HubStore } from "../hub/store/hub-store.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "8000" },
    warmup: { type: "string", default: "500" },
    concurrency: { type: "string", default: "4" },
    path: { type: "string", default: "/api/v1/alerts" },
    query: { type: "string", default: "" },
    alerts: { type: "string", default: "20" },
    /** Extra node flags for the hub process, space-separated. */
    "hub-flags": { type: "string", default: "" },
  },
});
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const CONCURRENCY = Number(values.concurrency);
const ALERTS = Number(values.alerts);
const ROOT = join(import.meta.dirname, "..", "..");

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
}

/** Alerts in every phase, each with ten transitions, as a busy fleet would have them; as many action requests, and a few silences. */
function seed(file: string, now: number): void {
  const store = new HubStore(file);
  seedActionsAndSilences(store, now);
  const alerts = new AlertStore(store.db);
  const phases = ["pending", "firing", "resolved"] as const;
  for (let i = 0; i < ALERTS; i++) {
    const phase = phases[i % 3] as (typeof phases)[number];
    const labels = { gpu: String(i) };
    alerts.save({
      fingerprint: `bench-${i}`,
      rule: "gpu-temperature",
      hostId: null,
      labels,
      state: {
        phase,
        severity: "warning",
        metSince: { warning: now - 600_000 },
        firingSince: phase === "pending" ? null : now - 300_000,
        lastNotifiedAt: null,
        resolvedAt: phase === "resolved" ? now - 60_000 : null,
      },
      value: 86 + i / 10,
      threshold: 85,
      observedState: null,
      observedAt: now,
      evaluatedAt: now,
      annotations: { summary: `GPU ${i} is hot` },
      mutedBy: null,
    });
    for (let k = 0; k < 10; k++) {
      alerts.addHistory({
        at: now - (10 - k) * 60_000,
        fingerprint: `bench-${i}`,
        rule: "gpu-temperature",
        hostId: null,
        labels,
        from: k % 2 === 0 ? "inactive" : "pending",
        to: k % 2 === 0 ? "pending" : "firing",
        reason: k % 2 === 0 ? "pending" : "fired",
        severity: "warning",
        value: 86,
        threshold: 85,
        observedState: null,
        notification: null,
        mutedBy: null,
      });
    }
  }
  store.close();
}

function seedActionsAndSilences(store: HubStore, now: number): void {
  const actions = new ActionStore(store.db);
  for (let i = 0; i < ALERTS; i++) {
    const request = {
      requestId: `bench-request-${i}`,
      agentId: `gpu-box-${i % 4}`,
      action: "restart-unit",
      params: { unit: "ollama.service" },
      confirm: false,
      dryRun: false,
      initiator: "bench",
      role: "operator",
      issuedAt: now,
      expiresAt: now + 60_000,
    };
    actions.refuse(request, { code: "ACTION_NOT_WHITELISTED", message: "not in the agent's catalog" }, now);
  }
  const silences = new SilenceStore(store.db);
  for (let i = 0; i < 5; i++) {
    const matchers = { hosts: [`gpu-box-${i}`] };
    silences.create({ kind: "silence", matchers, startsAt: now, endsAt: now + 3_600_000, comment: "bench", createdBy: null }, now);
  }
}

async function hammer(url: string, count: number, onEach: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
      await res.arrayBuffer();
      onEach(++done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-alerts-"));
  let hub: ChildProcess | undefined;
  try {
    seed(join(dir, "hub.sqlite"), Date.now());
    const port = await freePort();
    const flags = values["hub-flags"].split(" ").filter((f) => f !== "");
    hub = spawn(process.execPath, [...flags, join(ROOT, "dist", "hub", "main.js")], {
      env: { PATH: process.env.PATH ?? "", VIGIL_HUB_LISTEN: `127.0.0.1:${port}`, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: "warn" },
      // The hub's output (warnings, --trace-gc lines) to stderr, apart from the table.
      stdio: ["ignore", 2, "inherit"],
    });
    const pid = hub.pid as number;
    const base = `http://127.0.0.1:${port}`;
    await waitForHttpOk(`${base}/readyz`, 20_000);
    const url = `${base}${values.path}${values.query ? `?${values.query}` : ""}`;
    const body = await (await fetch(url)).text();
    await hammer(url, WARMUP, () => {});
    const start = rssMiB(pid);
    const rows: Array<{ requests: number; rssMiB: number }> = [{ requests: 0, rssMiB: start }];
    const every = Math.max(1, Math.floor(REQUESTS / 10));
    const started = performance.now();
    await hammer(url, REQUESTS, (done) => {
      if (done % every === 0) rows.push({ requests: done, rssMiB: rssMiB(pid) });
    });
    const seconds = (performance.now() - started) / 1000;
    // A quiet moment: whatever the collector and the allocator give back when the stream stops.
    await new Promise((r) => setTimeout(r, 2000));
    const settled = rssMiB(pid);
    const end = (rows[rows.length - 1] as { rssMiB: number }).rssMiB;
    console.log(
      `GET ${url.replace(base, "")} (${body.length} bytes), ${REQUESTS} requests after ${WARMUP} to warm up, ${CONCURRENCY} at a time`,
    );
    console.log("requests   RSS MiB");
    for (const r of rows) console.log(`${String(r.requests).padStart(8)}   ${r.rssMiB.toFixed(1).padStart(7)}`);
    console.log(`settled 2 s after the stream: ${settled.toFixed(1)} MiB`);
    // From the first tenth on: the first requests after the warm-up still size buffers and pools once.
    const from = rows[1] ?? { requests: 0, rssMiB: start };
    const perRequestKiB = ((end - from.rssMiB) * 1024) / Math.max(1, REQUESTS - from.requests);
    console.log(`growth after the first tenth: ${perRequestKiB.toFixed(2)} KiB per request, ${(REQUESTS / seconds).toFixed(0)} requests/s`);
    console.log(`RESULT ${JSON.stringify({ requests: REQUESTS, startMiB: start, endMiB: end, settledMiB: settled, perRequestKiB, rows })}`);
  } finally {
    hub?.kill("SIGTERM");
    if (hub && hub.exitCode === null) await new Promise((r) => hub?.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
