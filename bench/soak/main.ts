/**
 * The fault and load suite (docs/benchmarks.md, "Fault and load suite"): a real hub (dist/), N simulated
 * agents in worker processes, a fuzzer, Slack/SMTP/webhook receivers and a primary + fallback Ollama
 * behind the hub's failover proxy, all on 127.0.0.1, with faults injected on a schedule decided in
 * advance (plan.ts). Prints a table and exits 1 if anything was lost, duplicated or crashed.
 *
 *   npm run soak -- --agents 20 --minutes 2 [--interval-ms 10000] [--workers 4] [--out result.json] [--keep]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { accountChannel, accountSamples, percentile, type ChannelAccount } from "./accounting.ts";
import { switchTimes } from "./failover-probe.ts";
import { FALLBACK, PRIMARY } from "./hub-config.ts";
import { parseJournal } from "./journal.ts";
import { expectedSwitches, expectedTransitions, makePlan } from "./plan.ts";
import { accountActions, actionThenReplay, agentAudit, hubActionLog } from "./real-agent.ts";
import { renderTable, verdict, type BadRequests, type SoakResult } from "./result.ts";
import { startStack } from "./stack.ts";
import { readStoredSamples } from "./stored-samples.ts";
import { type ExitRecord, Supervised } from "./supervised.ts";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "20" },
    minutes: { type: "string", default: "2" },
    "interval-ms": { type: "string", default: "10000" },
    workers: { type: "string" },
    "drain-seconds": { type: "string", default: "90" },
    "fuzz-rate": { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const AGENTS = Number(values.agents);
const MINUTES = Number(values.minutes);
const INTERVAL_MS = Number(values["interval-ms"]);
const DRAIN_MS = Number(values["drain-seconds"]) * 1000;
if (!(AGENTS >= 1) || !(MINUTES > 0) || !(INTERVAL_MS >= 1000)) {
  throw new Error("soak: --agents must be >= 1, --minutes > 0, --interval-ms >= 1000");
}
const WORKERS = Math.min(AGENTS, Number(values.workers ?? Math.max(4, Math.min(8, Math.ceil(AGENTS / 125)))));
const DIST = join(import.meta.dirname, "..", "..");
const TOKEN = "soak-agent-token";
const OPERATOR = "soak-operator-token";
const LIMITS = { maxBodyBytes: 1024 * 1024, maxDecompressedBytes: 8 * 1024 * 1024 };
const HOST_PREFIX = "bench-";
const agentId = (i: number) => `${HOST_PREFIX}${String(i).padStart(5, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const log = (msg: string) => process.stderr.write(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
const started = Date.now();

const dir = mkdtempSync(join(tmpdir(), "vigil-soak-"));
const exits: ExitRecord[] = [];
const children: Supervised[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

async function cleanup(): Promise<void> {
  await Promise.all(children.map((c) => c.kill9().catch(() => {})));
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
}

// Bounded in time whatever happens: the run, the drain, and six minutes for startup, the last deliveries, the
// hub's stop and the counting (reading 18 million sample rows of a long run takes about a minute).
const hardTimeout = setTimeout(
  () => {
    log("hard timeout: stopping everything");
    void cleanup().finally(() => process.exit(1));
  },
  MINUTES * 60_000 + DRAIN_MS + 360_000,
);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => void cleanup().finally(() => process.exit(1)));
}

async function run(): Promise<SoakResult> {
  const plan = makePlan({ agents: AGENTS, durationMs: MINUTES * 60_000, intervalMs: INTERVAL_MS, workers: WORKERS });
  let t0 = Number.POSITIVE_INFINITY;
  const elapsed = () => Date.now() - t0;

  const stack = await startStack({
    dir,
    dist: DIST,
    plan,
    elapsed,
    agentToken: TOKEN,
    operatorToken: OPERATOR,
    limits: LIMITS,
    exits,
    children,
    cleanups,
  });
  const { slack, hook, smtp, hubUrl, hub, relay, agent, agentDataDir, probe, sampler } = stack;

  t0 = Date.now() + 1000;
  const planFile = join(dir, "plan.json");
  writeFileSync(planFile, JSON.stringify(plan));
  log(`hub on ${hubUrl}, ${AGENTS} agents in ${WORKERS} workers, ${MINUTES} min; data in ${dir}`);

  const workers: Supervised[] = [];
  const workerDone = new Set<number>();
  for (let k = 0; k < WORKERS; k++) {
    const from = Math.floor((k * AGENTS) / WORKERS);
    const to = Math.floor(((k + 1) * AGENTS) / WORKERS);
    const w = new Supervised(
      `worker-${k}`,
      [
        join(DIST, "bench", "soak", "sim-worker.js"),
        ...["--url", hubUrl, "--token", TOKEN, "--from", String(from), "--to", String(to), "--plan", planFile],
        ...["--journal", join(dir, `journal-${k}.log`), "--t0", String(t0), "--drain-ms", String(DRAIN_MS)],
      ],
      join(dir, `worker-${k}.log`),
      exits,
    );
    workers.push(w);
    children.push(w);
    w.start();
    void watchWorker(w, k, workerDone);
  }
  const fuzzOut = join(dir, "fuzz.json");
  const fuzzer = new Supervised(
    "fuzzer",
    [
      join(DIST, "bench", "soak", "fuzzer.js"),
      ...["--url", hubUrl, "--token", TOKEN, "--out", fuzzOut, "--until", String(t0 + plan.durationMs)],
      ...["--rate", values["fuzz-rate"] as string, "--seed", values.seed as string],
      ...["--max-body-bytes", String(LIMITS.maxBodyBytes), "--max-decompressed-bytes", String(LIMITS.maxDecompressedBytes)],
    ],
    join(dir, "fuzzer.log"),
    exits,
  );
  children.push(fuzzer);
  fuzzer.start();

  // A hub that exits on its own is a crash: it is counted (from `exits`) and started again so the run goes on.
  let hubPlannedDown = false;
  let agentPlannedDown = false;
  let stopping = false;
  const hubWatch = setInterval(() => {
    if (!hubPlannedDown && !stopping && hub.pid === undefined) {
      log("hub exited on its own: restarting it");
      hub.start();
    }
    if (!agentPlannedDown && !stopping && agent.pid === undefined) {
      log("real agent exited on its own: restarting it");
      agent.start();
    }
  }, 500);
  cleanups.push(() => clearInterval(hubWatch));

  const failoverEvents: Array<{ atMs: number; expect: string }> = [];
  const faults: Array<Promise<void>> = [];
  const at = (ms: number, what: string, f: () => Promise<void>) =>
    faults.push(
      sleep(t0 + ms - Date.now()).then(async () => {
        log(what);
        await f();
      }),
    );
  for (const k of plan.hubKills) {
    at(k.atMs, "kill -9 hub", async () => {
      hubPlannedDown = true;
      await hub.kill9();
      await sleep(k.downMs);
      hub.start();
      hubPlannedDown = false;
    });
  }
  for (const k of plan.workerKills) {
    const w = workers[k.worker] as Supervised;
    at(k.atMs, `kill -9 ${w.name}`, async () => {
      await w.kill9();
      await sleep(k.downMs);
      w.start();
      void watchWorker(w, k.worker, workerDone);
    });
  }
  at(plan.realAgentKill.atMs, "kill -9 real agent", async () => {
    agentPlannedDown = true;
    await agent.kill9();
    await sleep(plan.realAgentKill.downMs);
    agent.start();
    agentPlannedDown = false;
  });
  const actionStatuses: string[] = [];
  for (const ms of plan.actionsAtMs) {
    at(ms, "action on the real agent, then its request replayed", async () => {
      const status = await actionThenReplay(hubUrl, OPERATOR, relay).catch((err: Error) => `error: ${err.message}`);
      actionStatuses.push(status);
      log(`action ${status}`);
    });
  }
  at(plan.smtpDown.fromMs, "SMTP server down", () => smtp.stop());
  at(plan.smtpDown.toMs, "SMTP server up", () => smtp.start());
  for (const f of plan.slackFailures) at(f.fromMs, `Slack answers ${f.status}`, async () => {});
  at(plan.slackFailures.at(-1)?.toMs ?? 0, "Slack answers 200", async () => {});
  at(plan.primaryDown.fromMs, "primary Ollama killed", async () => {
    failoverEvents.push({ atMs: Date.now(), expect: FALLBACK });
    await stack.killPrimary();
  });
  at(plan.primaryDown.toMs, "primary Ollama revived", async () => {
    await stack.revivePrimary();
    failoverEvents.push({ atMs: Date.now(), expect: PRIMARY });
  });
  for (const a of plan.alerts) {
    at(a.fromMs, `${agentId(a.agent)} GPU 0 over the threshold`, async () => {});
    at(a.toMs, `${agentId(a.agent)} GPU 0 back under`, async () => {});
  }

  await sleep(t0 + plan.durationMs - Date.now());
  await Promise.all(faults);
  log("run over: draining");
  const drainDeadline = Date.now() + DRAIN_MS + 30_000;
  while (workerDone.size < WORKERS && Date.now() < drainDeadline) await sleep(250);

  const expected = expectedTransitions(plan, agentId);
  const receivers = { slack: slack.deliveries, email: smtp.deliveries, webhook: hook.deliveries };
  const allDelivered = () => Object.values(receivers).every((d) => accountChannel(expected, d).lost === 0);
  const notifyDeadline = Date.now() + 60_000;
  while (!allDelivered() && Date.now() < notifyDeadline) await sleep(250);
  // A late duplicate would arrive within a retry or two: wait that long before counting.
  await sleep(10_000);

  stopping = true;
  const hubLog = await hubActionLog(hubUrl, OPERATOR).catch(() => []);
  await agent.stop(10_000);
  const audit = agentAudit(agentDataDir);
  await probe.stop();
  sampler.stop();
  const hubStoppedCleanly = await stopHub(hub);
  await fuzzer.stop(1000);
  log("counting");

  const journal = { agents: new Map(), duplicateAcks: 0, latenciesMs: [] as number[] };
  for (const f of readdirSync(dir).filter((n) => n.startsWith("journal-"))) parseJournal(readFileSync(join(dir, f), "utf8"), journal);
  const stored = readStoredSamples(join(dir, "hub", "hub.sqlite"), HOST_PREFIX);
  const channels: Record<string, ChannelAccount> = {};
  for (const [name, d] of Object.entries(receivers)) channels[name] = accountChannel(expected, d);
  const fuzz = existsSync(fuzzOut) ? (JSON.parse(readFileSync(fuzzOut, "utf8")) as BadRequests) : emptyFuzz();
  const crashes = exits.filter((e) => !e.expected && !(e.name !== "hub" && e.code === 0));
  const details = crashes.map((e) => `${e.name} (pid ${e.pid}) exited ${e.signal ?? `with code ${e.code}`}`);
  if (!hubStoppedCleanly) details.push("hub did not stop within 20 s of SIGTERM");
  const sw = switchTimes(probe.changes, failoverEvents);
  return {
    command: `npm run soak -- --agents ${AGENTS} --minutes ${MINUTES}${values["interval-ms"] === "10000" ? "" : ` --interval-ms ${INTERVAL_MS}`}`,
    agents: AGENTS,
    minutes: MINUTES,
    intervalMs: INTERVAL_MS,
    workers: WORKERS,
    wallMs: Date.now() - started,
    samples: accountSamples(journal, stored, agentId),
    channels,
    badRequests: fuzz,
    crashes: {
      hub: crashes.filter((e) => e.name === "hub").length + (hubStoppedCleanly ? 0 : 1),
      agents: crashes.filter((e) => e.name.startsWith("worker-") || e.name === "agent").length,
      other: crashes.filter((e) => e.name === "fuzzer").length,
      details,
    },
    failover: { expected: expectedSwitches(plan), happened: sw.switches, timesMs: sw.timesMs },
    hub: {
      kills: plan.hubKills.length,
      peakRssMb: sampler.peakRssKb / 1024,
      cpuAvgPercent: sampler.cpuPercent(),
      cpuPeakPercent: sampler.peakCpuPercent,
    },
    agentKills: plan.workerKills.length + 1,
    actions: accountActions(plan.actionsAtMs.length, actionStatuses, relay.replays, audit, hubLog),
    ingestLatencyMs: { n: journal.latenciesMs.length, p50: percentile(journal.latenciesMs, 50), p99: percentile(journal.latenciesMs, 99) },
  };
}

/** A worker that exits 0 has drained; any other exit of one we did not kill is a crash: it is started again. */
async function watchWorker(w: Supervised, k: number, done: Set<number>): Promise<void> {
  await w.exited();
  const last = exits.filter((e) => e.name === w.name).at(-1);
  if (last?.code === 0) done.add(k);
  else if (last && !last.expected) {
    log(`${w.name} exited on its own (${last.signal ?? last.code}): restarting it`);
    w.start();
    void watchWorker(w, k, done);
  }
}

async function stopHub(hub: Supervised): Promise<boolean> {
  const t = Date.now();
  await hub.stop(20_000);
  const last = exits.filter((e) => e.name === "hub").at(-1);
  return Date.now() - t < 20_000 && last?.signal !== "SIGKILL";
}

function emptyFuzz(): BadRequests {
  return { sent: 0, refused: 0, busy: 0, serverErrors: 0, accepted: 0, interrupted: 0, unreachable: 0, byKind: {} };
}

let code = 1;
try {
  const result = await run();
  const reasons = verdict(result);
  process.stdout.write(`\n${renderTable(result)}\n\n`);
  if (values.out) writeFileSync(values.out, JSON.stringify({ ...result, failures: reasons }, null, 2));
  if (reasons.length === 0) {
    process.stdout.write("soak: PASS (nothing lost, duplicated or crashed)\n");
    code = 0;
  } else {
    process.stdout.write(`soak: FAIL\n${reasons.map((r) => `  - ${r}`).join("\n")}\n`);
  }
} catch (err) {
  process.stderr.write(`soak: error: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  clearTimeout(hardTimeout);
  await cleanup();
  if (code === 0 && !values.keep) rmSync(dir, { recursive: true, force: true });
  else process.stderr.write(`soak: logs, journals and hub.sqlite kept in ${dir}\n`);
}
process.exit(code);
