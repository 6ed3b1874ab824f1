/**
 * Hub ingest at scale: a real vigil-hub (dist/) on 127.0.0.1 and, in a separate process, N simulated
 * agents (bench/hub-load-agents.ts) pushing realistic 100-series batches every interval. Reports
 * sustained samples/s, push latency (p50/p99), the hub's RSS and CPU, what was lost, and bytes per
 * sample on disk. Not a test: prints a table and `RESULT {json}`.
 *
 *   npm run build && node_modules/.bin/node dist/bench/hub-ingest.js --agents 1000 --seconds 60 [--profile]
 *
 * --profile runs the hub with --cpu-prof and prints where its time went (bench/hub-cpu-profile.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { measureStorage } from "../hub/store/storage-stats.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";
import { summarizeCpuProfile } from "./hub-cpu-profile.ts";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    interval: { type: "string", default: "10" },
    /** Seconds before measuring: the first interval creates every series (a cold start). Default: one interval. */
    warmup: { type: "string" },
    profile: { type: "boolean", default: false },
    keepalive: { type: "boolean", default: false },
    /** Keep the data directory (printed) for inspection. */
    keep: { type: "boolean", default: false },
  },
});
const AGENTS = Number(values.agents);
const SECONDS = Number(values.seconds);
const INTERVAL_MS = Number(values.interval) * 1000;
const WARMUP_MS = values.warmup === undefined ? INTERVAL_MS : Number(values.warmup) * 1000;
const ROOT = join(import.meta.dirname, "..", "..");
const TICK_MS = 10; // USER_HZ is 100 on Linux

function rssMb(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1]) / 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1]) / 1024 };
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-hub-bench-"));
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const profDir = join(dir, "prof");
    const hub = spawn(
      process.execPath,
      [...(values.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), join(ROOT, "dist/hub/main.js")],
      {
        env: { ...process.env, VIGIL_HUB_LISTEN: `127.0.0.1:${port}`, VIGIL_DATA_DIR: join(dir, "hub"), VIGIL_LOG_LEVEL: "warn" },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    children.push(hub);
    const hubPid = hub.pid as number;
    await waitForHttpOk(`${url}/readyz`, 15_000);
    const rssStart = rssMb(hubPid).rss;

    let loadOut = "";
    const load = spawn(
      process.execPath,
      [
        join(ROOT, "dist/bench/hub-load-agents.js"),
        ...["--url", url, "--agents", String(AGENTS), "--seconds", String(SECONDS), "--interval-ms", String(INTERVAL_MS)],
        ...["--warmup-seconds", String(WARMUP_MS / 1000)],
        ...(values.keepalive ? ["--keepalive"] : []),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(load);
    load.stdout?.on("data", (d: Buffer) => {
      loadOut += d.toString();
    });

    // CPU of both processes over the measured window (after the warm-up, to the end of the run),
    // from the last reading taken while each was alive.
    let peakRss = 0;
    const cpu = { hub: 0, load: 0 };
    const sample = () => {
      try {
        peakRss = Math.max(peakRss, rssMb(hubPid).rss);
        cpu.hub = cpuMs(hubPid);
        cpu.load = cpuMs(load.pid as number);
      } catch {
        // A process that just exited keeps its last reading.
      }
    };
    const sampler = setInterval(sample, 500);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    sample();
    const w0 = { t: Date.now(), ...cpu };
    // Read just before the agents stop pushing, so the window holds no drain.
    await new Promise((r) => setTimeout(r, Math.max(0, SECONDS * 1000 - WARMUP_MS - 1000)));
    sample();
    const w1 = { t: Date.now(), ...cpu };
    const rssEnd = rssMb(hubPid);
    clearInterval(sampler);
    await exited(load);
    const loadResult = JSON.parse(/RESULT-LOAD (.*)/.exec(loadOut)?.[1] ?? "null") as LoadResult | null;
    if (!loadResult) throw new Error(`the load generator printed no result:\n${loadOut}`);

    hub.kill("SIGTERM");
    const stopped = await Promise.race([exited(hub).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
    if (!stopped) {
      console.log("the hub did not stop within 30 s of SIGTERM; killed");
      hub.kill("SIGKILL");
      await exited(hub);
    }
    const db = new Database(join(dir, "hub", "hub.sqlite"), { readonly: true });
    const storage = measureStorage(db);
    const counts = {
      batches: db.prepare("SELECT COUNT(*) FROM received_batches").pluck().get() as number,
      series: db.prepare("SELECT COUNT(*) FROM series").pluck().get() as number,
      rollup1m: db.prepare("SELECT COUNT(*) FROM rollup_1m").pluck().get() as number,
    };
    db.close();
    const walFile = join(dir, "hub", "hub.sqlite-wal");
    const windowS = (w1.t - w0.t) / 1000;
    const result = {
      agents: AGENTS,
      intervalS: INTERVAL_MS / 1000,
      seconds: SECONDS,
      keepalive: values.keepalive,
      warmupS: WARMUP_MS / 1000,
      // Acknowledged while measuring (after the warm-up), per second: what the hub sustained.
      samplesPerSecond: loadResult.measuredSamplesPerSecond,
      offeredSamplesPerSecond: Math.round(loadResult.samplesMade / (loadResult.runMs / 1000)),
      backlogAtEndBatches: loadResult.backlogAtEnd,
      latencyMs: loadResult.latencyMs,
      // Of each push: until its TCP connection was up (waiting in the hub's listen queue, SYN retries),
      // and from then to the end of the answer (read, validate, commit, answer).
      connectMs: loadResult.connectMs,
      requestMs: loadResult.requestMs,
      failures: loadResult.failures,
      lost: {
        unsentBatches: loadResult.unsentBatches,
        ackedButMissingSamples: loadResult.ackedSamples - storage.samples,
        ackedButMissingBatches: loadResult.acked - counts.batches,
      },
      hub: {
        cpuPercent: Math.round(((w1.hub - w0.hub) / 1000 / windowS) * 100),
        rssStartMb: Math.round(rssStart),
        rssEndMb: Math.round(rssEnd.rss),
        rssPeakMb: Math.round(Math.max(peakRss, rssEnd.hwm)),
      },
      loadGeneratorCpuPercent: Math.round(((w1.load - w0.load) / 1000 / windowS) * 100),
      storage: {
        samples: storage.samples,
        series: counts.series,
        rollup1mRows: counts.rollup1m,
        rawBytesPerSample: Number(storage.rawBytesPerSample.toFixed(1)),
        totalBytesPerSample: Number(storage.totalBytesPerSample.toFixed(1)),
        databaseMb: Math.round(storage.databaseBytes / 1e6),
        walMb: Math.round(fileSize(walFile) / 1e6),
        bytesByTreeMb: Object.fromEntries(Object.entries(storage.bytesByTree).map(([k, v]) => [k, Math.round(v / 1e5) / 10])),
      },
    };
    printTable(result);
    if (values.profile) {
      const prof = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
      if (prof) {
        console.log(`\nWhere the hub's CPU went (${join(profDir, prof)}):`);
        console.log(summarizeCpuProfile(readFileSync(join(profDir, prof), "utf8")));
      }
    }
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    if (values.keep) console.log(`data kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

interface LoadResult {
  runMs: number;
  measuredSamplesPerSecond: number;
  backlogAtEnd: number;
  samplesMade: number;
  acked: number;
  ackedSamples: number;
  duplicates: number;
  unsentBatches: number;
  failures: Record<string, number>;
  latencyMs: { n: number; p50: number; p90: number; p99: number; max: number };
  connectMs: { p50: number; p99: number };
  requestMs: { p50: number; p99: number };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function printTable(r: {
  agents: number;
  samplesPerSecond: number;
  offeredSamplesPerSecond: number;
  backlogAtEndBatches: number;
  latencyMs: LoadResult["latencyMs"];
  connectMs: { p50: number; p99: number };
  requestMs: { p50: number; p99: number };
  hub: { cpuPercent: number; rssPeakMb: number };
  loadGeneratorCpuPercent: number;
  lost: Record<string, number>;
  storage: { rawBytesPerSample: number; totalBytesPerSample: number };
}): void {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
  console.log(
    `agents ${r.agents}: ${r.samplesPerSecond} samples/s stored after the warm-up (${r.offeredSamplesPerSecond} offered); ` +
      `${r.backlogAtEndBatches} batches waiting in agents' outboxes at the end`,
  );
  console.log(
    `push latency ms: p50 ${f(r.latencyMs.p50)}  p90 ${f(r.latencyMs.p90)}  p99 ${f(r.latencyMs.p99)}  max ${f(r.latencyMs.max)}`,
  );
  console.log(
    `  of which connecting ms: p50 ${f(r.connectMs.p50)}  p99 ${f(r.connectMs.p99)}; ` +
      `request to answer ms: p50 ${f(r.requestMs.p50)}  p99 ${f(r.requestMs.p99)}`,
  );
  console.log(
    `hub: CPU ${r.hub.cpuPercent}% of one core, peak RSS ${r.hub.rssPeakMb} MB; load generator CPU ${r.loadGeneratorCpuPercent}%`,
  );
  console.log(`lost: ${JSON.stringify(r.lost)}`);
  console.log(`bytes per sample: ${r.storage.rawBytesPerSample} raw table, ${r.storage.totalBytesPerSample} whole database`);
}

await main();
