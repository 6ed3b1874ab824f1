/**
 * Agent footprint: RSS and CPU of a real vigil-agent (pushing to a real hub on 127.0.0.1), beside
 * Debian's prometheus-node-exporter measured in the same run when it is installed
 * (apt-get install prometheus-node-exporter). Not a test: prints a table and a JSON line.
 *
 *   npm run bench -- --seconds 60 --interval 1s
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    interval: { type: "string", default: "1s" },
    /** Node flags for the agent (default: AGENT_NODE_FLAGS, as it runs in production); "none" for none. */
    "agent-flags": { type: "string", default: AGENT_NODE_FLAGS.join(" ") },
  },
});
const SECONDS = Number(values.seconds);
const INTERVAL = values.interval as string;
const ROOT = join(import.meta.dirname, "..", "..");
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** VmRSS = RssAnon (heaps, malloc: the process's own) + RssFile (pages of the node binary and libraries it has touched). */
function procStatus(pid: number): { rssKb: number; hwmKb: number; anonKb: number; fileKb: number } {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1]);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM"), anonKb: kb("RssAnon"), fileKb: kb("RssFile") };
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-"));
  const children: ChildProcess[] = [];
  try {
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hub = spawn(process.execPath, [join(ROOT, "dist/hub/main.js")], {
      env: { ...process.env, VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub"), VIGIL_LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    children.push(hub);
    await waitForHttpOk(`http://127.0.0.1:${hubPort}/readyz`, 10_000);
    const agentFlags = values["agent-flags"] === "none" ? [] : (values["agent-flags"] as string).split(" ").filter(Boolean);
    const agent = spawn(process.execPath, [...agentFlags, join(ROOT, "dist/agent/main.js")], {
      env: {
        ...process.env,
        VIGIL_HUB_URL: `http://127.0.0.1:${hubPort}`,
        VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
        VIGIL_DATA_DIR: join(dir, "agent"),
        VIGIL_COLLECT_INTERVAL: INTERVAL,
        VIGIL_PUSH_INTERVAL: INTERVAL,
        VIGIL_LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    });
    children.push(agent);
    const pid = agent.pid as number;
    await waitForHttpOk(`http://127.0.0.1:${agentPort}/readyz`, 10_000);
    const afterStart = procStatus(pid);
    const cpu0 = cpuMs(pid);
    const t0 = Date.now();
    await sleep(SECONDS * 1000);
    const cpu1 = cpuMs(pid);
    const elapsed = Date.now() - t0;
    const end = procStatus(pid);
    const ready = (await (await fetch(`http://127.0.0.1:${agentPort}/readyz`)).json()) as {
      collectors: Array<{ name: string }>;
      push: { batchesSent: number };
    };
    const cycles = ready.push.batchesSent;
    const durations = (await (await fetch(`http://127.0.0.1:${hubPort}/api/v1/hosts`)).json()) as { hosts: Array<{ id: string }> };
    const hostId = durations.hosts[0]?.id ?? "";
    const latest = (await (await fetch(`http://127.0.0.1:${hubPort}/api/v1/hosts/${hostId}/latest`)).json()) as {
      samples: Array<{ name: string; value: number }>;
    };
    const cycleWallMs = (latest.samples.find((s) => s.name === "vigil_collector_duration_seconds")?.value ?? Number.NaN) * 1000;

    // /metrics: its renderer is loaded on the first scrape; what does that and each scrape cost?
    const beforeScrape = procStatus(pid);
    const scrapeCpu0 = cpuMs(pid);
    let metricsBytes = 0;
    const SCRAPES = 20;
    for (let i = 0; i < SCRAPES; i++) {
      const res = await fetch(`http://127.0.0.1:${agentPort}/metrics`, { headers: { "accept-encoding": "gzip" } });
      metricsBytes = (await res.text()).length;
      await sleep(100);
    }
    const scrapeCpuMs = (cpuMs(pid) - scrapeCpu0) / SCRAPES;
    const afterScrapes = procStatus(pid);

    const agentResult = {
      node: process.version,
      agentFlags: values["agent-flags"],
      seconds: SECONDS,
      interval: INTERVAL,
      rssAfterStartMb: afterStart.rssKb / 1024,
      rssEndMb: end.rssKb / 1024,
      rssAnonEndMb: end.anonKb / 1024,
      rssFileEndMb: end.fileKb / 1024,
      peakRssMb: end.hwmKb / 1024,
      cpuMsPerCycle: cycles > 0 ? (cpu1 - cpu0) / (elapsed / parseIntervalMs(INTERVAL)) : Number.NaN,
      cpuPercent: ((cpu1 - cpu0) / elapsed) * 100,
      lastCollectionWallMs: cycleWallMs,
      samplesPerCycle: latest.samples.length,
      batchesPushed: cycles,
      rssBeforeMetricsMb: beforeScrape.rssKb / 1024,
      rssAfterMetricsMb: afterScrapes.rssKb / 1024,
      metricsCpuMsPerScrape: scrapeCpuMs,
      metricsTextBytes: metricsBytes,
    };

    let peer: Record<string, number> | undefined;
    if (existsSync(NODE_EXPORTER))
      peer = await measureNodeExporter(children, Math.max(10, Math.round((SECONDS * 1000) / parseIntervalMs(INTERVAL))));

    const mb = (v: number | undefined) => (v === undefined ? "n/a" : `${v.toFixed(1)} MB`);
    const ms = (v: number | undefined) => (v === undefined ? "n/a" : `${v.toFixed(2)} ms`);
    const rows: Array<[string, string, string]> = [
      ["RSS after start", mb(agentResult.rssAfterStartMb), mb(peer?.rssAfterStartMb)],
      [`RSS after ${SECONDS}s`, mb(agentResult.rssEndMb), mb(peer?.rssEndMb)],
      [
        "of which RssAnon / RssFile",
        `${mb(agentResult.rssAnonEndMb)} / ${mb(agentResult.rssFileEndMb)}`,
        `${mb(peer?.rssAnonEndMb)} / ${mb(peer?.rssFileEndMb)}`,
      ],
      ["peak RSS (VmHWM)", mb(agentResult.peakRssMb), mb(peer?.peakRssMb)],
      ["CPU per cycle / scrape", ms(agentResult.cpuMsPerCycle), ms(peer?.cpuMsPerScrape)],
      ["wall time of one collection", ms(agentResult.lastCollectionWallMs), ms(peer?.scrapeWallMs)],
      [`RSS after ${SCRAPES} /metrics scrapes`, mb(agentResult.rssAfterMetricsMb), "n/a"],
      ["CPU per /metrics scrape (gzip)", ms(agentResult.metricsCpuMsPerScrape), ms(peer?.cpuMsPerScrape)],
    ];
    process.stdout.write(`\nvigil-agent (Node ${process.version}) vs prometheus-node-exporter, same run, ${SECONDS}s at ${INTERVAL}\n\n`);
    process.stdout.write(`| measure | vigil-agent | node_exporter |\n| --- | --- | --- |\n`);
    for (const r of rows) process.stdout.write(`| ${r.join(" | ")} |\n`);
    process.stdout.write(`\nRESULT ${JSON.stringify({ agent: agentResult, nodeExporter: peer ?? null })}\n`);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** node_exporter with Debian's default collectors, scraped `scrapes` times (gzip, as Prometheus asks). */
async function measureNodeExporter(children: ChildProcess[], scrapes: number): Promise<Record<string, number>> {
  const port = await freePort();
  const ne = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  children.push(ne);
  const pid = ne.pid as number;
  await waitForHttpOk(`http://127.0.0.1:${port}/`, 10_000);
  await sleep(500);
  const afterStart = procStatus(pid);
  const cpu0 = cpuMs(pid);
  let wall = 0;
  for (let i = 0; i < scrapes; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { "accept-encoding": "gzip" } });
    await res.arrayBuffer();
    wall += performance.now() - t;
  }
  const cpu1 = cpuMs(pid);
  const end = procStatus(pid);
  return {
    rssAfterStartMb: afterStart.rssKb / 1024,
    rssEndMb: end.rssKb / 1024,
    rssAnonEndMb: end.anonKb / 1024,
    rssFileEndMb: end.fileKb / 1024,
    peakRssMb: end.hwmKb / 1024,
    cpuMsPerScrape: (cpu1 - cpu0) / scrapes,
    scrapeWallMs: wall / scrapes,
    scrapes,
  };
}

function parseIntervalMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`--interval: expected e.g. 1s or 500ms, got ${text}`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"] ?? 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack}\n`);
  process.exit(1);
});
