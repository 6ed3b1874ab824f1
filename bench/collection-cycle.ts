/**
 * CPU and wall time of one full collection cycle of the agent, every collector at once, beside the CPU
 * Debian's prometheus-node-exporter spends per scrape, measured in the same run (issue 3's target: a
 * cycle costs at most twice a scrape). Not a test: prints a table and a RESULT JSON line.
 *
 *   npx tsc -p tsconfig.build.json && node_modules/.bin/node --lite-mode --max-semi-space-size=1 dist/bench/collection-cycle.js --cycles 200
 *
 * The collectors run through the agent's own code (config file -> createCollectors -> the scheduler's
 * runOnce, which checks the observations and writes them to a real AgentStore), then one batch is
 * sealed, as every push interval does. nvidia-smi, zpool, zfs, systemctl and nerdctl are fakes on PATH
 * (sh scripts printing the real outputs in test/fixtures/); probes hit a small HTTP server in another
 * process; the system collector reads this host's /proc. Each cycle runs the collectors one after the
 * other, so each one's CPU is its own; the scheduler runs them concurrently on their own timers.
 *
 * The agent's CPU is its process's (process.cpuUsage, microseconds, per cycle) plus its children's
 * (/proc/self/stat cutime+cstime, 10 ms ticks, so only a mean over all cycles). node_exporter's is
 * utime+stime of its process over all scrapes, divided by their number (anchors/RESULTS.md's method).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { COMPUTE_APP_FIELDS, selectGpuFields } from "../agent/collectors/gpu/query-fields.ts";
import { parseHelpQueryGpu } from "../agent/collectors/gpu/parse-help-query.ts";
import { createCollectors } from "../agent/collectors/registry.ts";
import { CollectorScheduler } from "../agent/collectors/scheduler.ts";
import { loadAgentConfig } from "../agent/config/load.ts";
import { AgentStore } from "../agent/store/agent-store.ts";
import { BatchSealer } from "../agent/transport/sealer.ts";
import { silentLogger } from "../shared/log/logger.ts";
import { freePort } from "../shared/net/free-port.ts";
import { writeFakeBin } from "../test/support/fake-bin.ts";

const { values } = parseArgs({
  options: {
    cycles: { type: "string", default: "200" },
    warmup: { type: "string", default: "5" },
  },
});
const CYCLES = Number(values.cycles);
const WARMUP = Number(values.warmup);
const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures");
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (self) or cutime+cstime (reaped children) of a process, in ms. */
function procCpuMs(pid: number | "self", children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return children ? (Number(f[13]) + Number(f[14])) * TICK_MS : (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentile(s, 50), p95: percentile(s, 95), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
};

/**
 * The named columns of an nvidia-smi CSV fixture (captured with a header row and units), in the order the
 * collector asks for them: real values, laid out as `--format=csv,noheader,nounits` prints them.
 */
function projectCsv(file: string, names: readonly string[]): string {
  const [header = "", ...rows] = readFileSync(file, "utf8").trimEnd().split("\n");
  const columns = header.split(",").map((f) => f.trim().replace(/ \[[^\]]+\]$/, ""));
  const pick = (cells: string[]) =>
    names.map((n) => {
      const i = columns.indexOf(n);
      if (i === -1) throw new Error(`${file} has no column ${n}`);
      return cells[i];
    });
  return `${rows.map((row) => pick(row.split(", ")).join(", ")).join("\n")}\n`;
}

/** Fakes of the tools, answering the exact calls the collectors make with the fixtures their tests use. */
function writeFakeTools(bin: string): void {
  const exactly = (args: string) => `'${args}'`;
  const startsWith = (prefix: string) => `"${prefix}"*`;
  const smi = (name: string) => join(FIXTURES, "nvidia-smi", name);
  const help = smi("h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt");
  const fields = selectGpuFields(parseHelpQueryGpu(readFileSync(help, "utf8")), new Set()).map(([, name]) => name);
  const csv = "--format=csv,noheader,nounits";
  writeFakeBin(bin, "nvidia-smi", [
    { args: "--help-query-gpu", stdoutFile: help },
    {
      args: exactly(`--query-gpu=${fields.join(",")} ${csv}`),
      stdout: projectCsv(smi("h100-80gb-hbm3-load-allfields-driver590.48.01.csv"), fields),
    },
    {
      args: exactly(`--query-compute-apps=${COMPUTE_APP_FIELDS.join(",")} ${csv}`),
      stdout: projectCsv(smi("h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv"), COMPUTE_APP_FIELDS),
    },
    { args: exactly("-q -x"), stdoutFile: smi("rtx-a5000-2gpu-2processes-driver590.44.01.xml") },
  ]);
  const zfs = (name: string) => join(FIXTURES, "zfs", name);
  writeFakeBin(bin, "zpool", [
    { args: exactly("status -p"), stdoutFile: zfs("zpool-status-2pools-online-raidz1-mirror-scrub-repaired-1M.txt") },
    { args: startsWith("list -Hp -o"), stdoutFile: zfs("zpool-list-Hp-o-name-health-size-alloc-free-frag-cap-dedup-freebsd14.txt") },
  ]);
  // The real `zfs list` sample has name avail used usedsnap usedds; the collector asks for name used avail
  // usedsnap compressratio: the same values reordered, and compressratio missing ("-", no sample).
  const datasets = readFileSync(zfs("zfs-list-Hp-o-name-avail-used-usedsnap-usedds-4datasets.txt"), "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => {
      const [name, avail, used, usedsnap] = line.split("\t");
      return [name, used, avail, usedsnap, "-"].join("\t");
    });
  writeFakeBin(bin, "zfs", [
    { args: startsWith("list -Hp -t filesystem,volume"), stdout: `${datasets.join("\n")}\n` },
    { args: startsWith("list -Hp -t snapshot"), stdoutFile: zfs("zfs-list-Hp-snapshots-name-used-creation.txt") },
  ]);
  const systemd = (name: string) => join(FIXTURES, "systemd", name);
  writeFakeBin(bin, "systemctl", [
    {
      args: startsWith("list-units --state=failed"),
      stdoutFile: systemd("systemctl-list-units-state-failed-plain-three-failed-systemd252.txt"),
    },
    {
      args: startsWith("list-units --all"),
      stdoutFile: systemd("systemctl-list-units-all-glob-ollama-recommender-comfyui-job-column-systemd252.txt"),
    },
    { args: startsWith("list-unit-files"), stdoutFile: systemd("systemctl-list-unit-files-glob-ollama-recommender-old-systemd252.txt") },
    {
      args: startsWith("show --timestamp=unix"),
      stdoutFile: systemd("systemctl-show-p-11props-timestamp-unix-glob-and-failed-10-units-systemd252.txt"),
    },
  ]);
  const containers = (name: string) => join(FIXTURES, "containers", name);
  writeFakeBin(bin, "nerdctl", [
    { args: "*\\ ps\\ *", stdoutFile: containers("nerdctl-ps-json-1-running-compose-finch.jsonl") },
    { args: "*\\ container\\ inspect\\ *", stdoutFile: containers("nerdctl-v2-inspect-running-runc-nym-localnet.json") },
  ]);
}

/** A tiny HTTP server in its own process for the probes, so its CPU is not counted as the agent's. */
async function startProbeTarget(children: ChildProcess[]): Promise<number> {
  const port = await freePort();
  const server = `require("node:http").createServer((q, s) => s.end('{"status":"ok"}')).listen(${port}, "127.0.0.1")`;
  children.push(spawn(process.execPath, ["-e", server], { stdio: "ignore" }));
  await waitForHttpOk(`http://127.0.0.1:${port}/`, 10_000);
  return port;
}

async function startNodeExporter(children: ChildProcess[]): Promise<{ pid: number; url: string } | undefined> {
  if (!existsSync(NODE_EXPORTER)) return undefined;
  const port = await freePort();
  const ne = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  children.push(ne);
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitForHttpOk(url, 10_000);
  return { pid: ne.pid as number, url };
}

/** Keep-alive, as Prometheus scrapes. node:http, not fetch: fetch's undici needs WebAssembly, which lite mode lacks. */
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: keepAlive, signal: AbortSignal.timeout(5000) }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function waitForHttpOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await get(url).catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function scrape(url: string): Promise<number> {
  const t = performance.now();
  const status = await get(url, { "accept-encoding": "gzip" });
  if (status !== 200) throw new Error(`${url} answered ${status}`);
  return performance.now() - t;
}

async function main(): Promise<void> {
  if (!process.execArgv.includes("--lite-mode"))
    process.stderr.write("bench: not in lite mode: run with the agent's flags (--lite-mode --max-semi-space-size=1) for its real CPU\n");
  const dir = mkdtempSync(join(tmpdir(), "vigil-cycle-"));
  const children: ChildProcess[] = [];
  try {
    const bin = join(dir, "bin");
    writeFakeTools(bin);
    process.env.PATH = `${bin}:${process.env.PATH ?? ""}`;
    const kstat = join(dir, "kstat");
    mkdirSync(kstat);
    writeFileSync(join(kstat, "arcstats"), readFileSync(join(FIXTURES, "zfs", "arcstats-linux-openzfs-recent-telegraf-issue17578.txt")));
    const probePort = await startProbeTarget(children);
    const configFile = join(dir, "agent.yaml");
    writeFileSync(
      configFile,
      [
        "collectors:",
        `  zfs: { kstatDir: "${kstat}" }`,
        '  units: { units: ["ollama-*", "recommender.*", "comfyui.*", "old-*"] }',
        "  containers: { runtimes: [{ kind: nerdctl }] }",
        "  probes:",
        "    probes:",
        `      - { kind: http, name: api, url: "http://127.0.0.1:${probePort}/healthz", bodyContains: ok }`,
        `      - { kind: tcp, name: api-port, port: ${probePort} }`,
      ].join("\n"),
    );
    const { config } = loadAgentConfig({ configFile, env: {} });
    const collectors = createCollectors(config, silentLogger);
    const store = new AgentStore(join(dir, "agent.sqlite"));
    const scheduler = new CollectorScheduler({ collectors, sink: (obs, at) => store.recordObservations(obs, at), logger: silentLogger });
    const host = { agentId: "bench", hostname: "bench", labels: {}, agentVersion: "0.0.0", bootId: "bench" };
    const sealer = new BatchSealer({ store, host, pushIntervalMs: 10_000, outboxMaxBytes: 100_000_000, logger: silentLogger });
    const ne = await startNodeExporter(children);
    for (let i = 0; i < 10 && ne; i++) await scrape(ne.url);

    const names = [...collectors.map((c) => c.collector.name), "seal"];
    const perStep = new Map(names.map((n) => [n, { cpuMs: [] as number[], wallMs: [] as number[], childMs: 0 }]));
    const cycleCpu: number[] = [];
    const cycleWall: number[] = [];
    const neWall: number[] = [];
    let childTotal = 0;
    let neCpu0 = 0;
    const step = async (name: string, run: () => Promise<unknown> | unknown) => {
      const c0 = process.cpuUsage();
      const k0 = procCpuMs("self", true);
      const t0 = performance.now();
      await run();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const s = perStep.get(name);
      s?.cpuMs.push((cpu.user + cpu.system) / 1000);
      s?.wallMs.push(wall);
      if (s) s.childMs += procCpuMs("self", true) - k0;
      return { cpu: (cpu.user + cpu.system) / 1000, wall };
    };
    for (let i = 0; i < WARMUP + CYCLES; i++) {
      if (i === WARMUP) {
        for (const s of perStep.values()) Object.assign(s, { cpuMs: [], wallMs: [], childMs: 0 });
        childTotal = procCpuMs("self", true);
        neCpu0 = ne ? procCpuMs(ne.pid) : 0;
      }
      let cpu = 0;
      let wall = 0;
      for (const c of collectors) {
        const r = await step(c.collector.name, () => scheduler.runOnce(c));
        cpu += r.cpu;
        wall += r.wall;
      }
      const sealed = await step("seal", () => {
        const seq = sealer.seal();
        if (seq !== null) store.outbox.acknowledgeUpTo(seq); // as if pushed: the outbox stays small
      });
      if (i >= WARMUP) {
        cycleCpu.push(cpu + sealed.cpu);
        cycleWall.push(wall + sealed.wall);
      }
      if (ne) {
        const w = await scrape(ne.url);
        if (i >= WARMUP) neWall.push(w);
      }
    }
    const childMsPerCycle = (procCpuMs("self", true) - childTotal) / CYCLES;
    const neCpuPerScrape = ne ? (procCpuMs(ne.pid) - neCpu0) / CYCLES : Number.NaN;
    const statuses = scheduler.statuses().map((s) => `${s.name}:${s.state}`);
    const samples = store.latest.samples(0).length;
    store.close();

    const own = stats(cycleCpu);
    const wall = stats(cycleWall);
    const neW = stats(neWall);
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    const out = process.stdout;
    out.write(
      `\nOne collection cycle (${statuses.join(" ")}, ${samples} series) vs a node_exporter scrape; ${CYCLES} of each, interleaved\n\n`,
    );
    out.write("| measure | agent cycle | node_exporter scrape |\n| --- | --- | --- |\n");
    out.write(`| CPU, agent process: median / p95 | ${ms(own.median)} / ${ms(own.p95)} | |\n`);
    out.write(
      `| CPU, mean: agent process + its children (the fakes) | ${ms(own.mean)} + ${ms(childMsPerCycle)} = ${ms(own.mean + childMsPerCycle)} | ${ms(neCpuPerScrape)} |\n`,
    );
    out.write(`| wall: median / p95 | ${ms(wall.median)} / ${ms(wall.p95)} | ${ms(neW.median)} / ${ms(neW.p95)} |\n\n`);
    out.write("| step | CPU median / p95 (process) | children CPU, mean | wall median / p95 |\n| --- | --- | --- | --- |\n");
    const steps: Record<string, unknown> = {};
    for (const [name, s] of perStep) {
      const c = stats(s.cpuMs);
      const w = stats(s.wallMs);
      steps[name] = {
        cpuMedianMs: c.median,
        cpuP95Ms: c.p95,
        cpuMeanMs: c.mean,
        childCpuMeanMs: s.childMs / CYCLES,
        wallMedianMs: w.median,
        wallP95Ms: w.p95,
      };
      out.write(`| ${name} | ${ms(c.median)} / ${ms(c.p95)} | ${ms(s.childMs / CYCLES)} | ${ms(w.median)} / ${ms(w.p95)} |\n`);
    }
    const result = {
      node: process.version,
      execArgv: process.execArgv,
      cycles: CYCLES,
      series: samples,
      collectors: statuses,
      agent: {
        cpuMedianMs: own.median,
        cpuP95Ms: own.p95,
        cpuMeanMs: own.mean,
        childCpuMeanMs: childMsPerCycle,
        wallMedianMs: wall.median,
        wallP95Ms: wall.p95,
      },
      steps,
      nodeExporter: ne ? { cpuMsPerScrape: neCpuPerScrape, wallMedianMs: neW.median, wallP95Ms: neW.p95 } : null,
    };
    out.write(`\nRESULT ${JSON.stringify(result)}\n`);
  } finally {
    keepAlive.destroy();
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack}\n`);
  process.exit(1);
});
