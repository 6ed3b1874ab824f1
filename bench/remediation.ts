/**
 * Remediation benchmark (docs/benchmarks.md, "Automatic remediation"): the time from a service's
 * process dying to its new process being alive, restarted by Vigil (agent units collector and push
 * every 1 s, the built-in unit-failed rule with remediation restart-unit), beside Monit from Debian
 * (`set daemon 1`, ../shared/anchors/bench_monit.py beside this repository) measured in the same run.
 *
 * Each Vigil trial waits until the hub has seen the unit active and its alert resolved, then a
 * random 0.5-1.5 s (as the Monit script does), kills the process with SIGKILL and polls every 5 ms
 * until the stand-in's PID file names a new live process. The hub's API gives each stage: when the
 * sample that showed the failure was collected (the alert's observedAt), when the rule fired and
 * the request was signed (issuedAt), fetched by the agent's long poll (deliveredAt), and run.
 * `--also DIR` measures a second build in the same run (a copy of dist/ with a change to compare).
 * The agent watches the unit's exit (collectors.units.exitCheckInterval, its /proc fallback here: the
 * stand-in's process has no cgroup); `--cgroup` also measures with the process in its own cgroup v2
 * (root only), so the agent watches its cgroup.events; `--watch-off` also measures with the watch off.
 *
 *   npm run build && node_modules/.bin/node dist/bench/remediation.js [--trials 20] [--monit-trials 20] [--no-monit]
 *     [--also DIR] [--cgroup] [--watch-off]
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { startRemediationStack, type RemediationStack } from "./remediation-stack.ts";

/** The anchor script beside this repository (../shared/anchors), as docs/benchmarks.md cites it; run from dist/bench. */
const MONIT_SCRIPT = join(import.meta.dirname, "..", "..", "..", "shared", "anchors", "bench_monit.py");

interface Trial {
  /** Kill to the new process alive (ms). */
  totalMs: number;
  /** Kill to the collection that saw the unit failed. */
  detectMs: number;
  /** That collection to the rule firing and the request being signed at the hub (push wait, ingest, evaluation). */
  pushMs: number;
  /** Signed to fetched by the agent's long poll. */
  deliverMs: number;
  /** Fetched to the new process alive: the agent's checks, the stand-in's restart, our 5 ms poll. */
  runMs: number;
  /** Of runMs: fetched to the command started (the agent's checks of the request and its audit row). */
  startMs: number;
}

interface ActionRow {
  id: number;
  issuedAt: number;
  deliveredAt: number | null;
  startedAt: number | null;
  durationMs: number | null;
  initiator: string;
  status: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: "string", default: "20" },
      "monit-trials": { type: "string", default: "20" },
      "no-monit": { type: "boolean", default: false },
      "monit-script": { type: "string", default: MONIT_SCRIPT },
      /** Also measure another build of the programs (a prototype: a copy of dist/ with a change), in the same run. */
      also: { type: "string" },
      /** Also measure with the unit's process in its own cgroup (the exit watch then reads cgroup.events). */
      cgroup: { type: "boolean", default: false },
      /** Also measure with the exit watch off (exitCheckInterval: 0s): the collector's 1 s interval alone. */
      "watch-off": { type: "boolean", default: false },
    },
  });
  const builds: Variant[] = [{ name: "vigil" }];
  if (values.cgroup) builds.push({ name: "vigil, unit in a cgroup", cgroup: true });
  if (values["watch-off"]) builds.push({ name: "vigil, exit watch off", exitCheckInterval: "0s" });
  if (values.also) builds.push({ name: `vigil (${values.also})`, distDir: values.also });
  const result: Record<string, unknown> = { bench: "remediation", interval: "1s" };
  for (const build of builds) {
    process.stdout.write(`${build.name}\n`);
    const trials = await measure(Number(values.trials), build);
    const summary = {
      totalMs: stat(trials.map((t) => t.totalMs)),
      detectMs: stat(trials.map((t) => t.detectMs)),
      pushMs: stat(trials.map((t) => t.pushMs)),
      deliverMs: stat(trials.map((t) => t.deliverMs)),
      runMs: stat(trials.map((t) => t.runMs)),
      startMs: stat(trials.map((t) => t.startMs)),
    };
    result[build.name] = summary;
    process.stdout.write(`\n${line(`${build.name}: kill -> new process alive`, summary.totalMs)}`);
    process.stdout.write(line("  kill -> collected as failed", summary.detectMs));
    process.stdout.write(line("  collected -> request signed (hub)", summary.pushMs));
    process.stdout.write(line("  signed -> fetched by the agent", summary.deliverMs));
    process.stdout.write(line("  fetched -> new process alive", summary.runMs));
    process.stdout.write(`${line("    of which fetched -> command started", summary.startMs)}\n`);
  }
  const monit = values["no-monit"] ? undefined : await runMonit(values["monit-script"], Number(values["monit-trials"]));
  if (monit) {
    result.monit = monit;
    process.stdout.write(`monit (set daemon 1): kill -> restarted ${JSON.stringify(monit.restart_s)} s, p90 ${monit.restart_p90_s} s\n`);
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** One setup measured: a build of the programs and the agent's exit watch. */
interface Variant {
  name: string;
  distDir?: string;
  exitCheckInterval?: string;
  cgroup?: boolean;
}

/** `trials` kills and restarts on one hub and agent of the given variant. */
async function measure(trials: number, variant: Variant): Promise<Trial[]> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-remediation-"));
  const out: Trial[] = [];
  let stack: RemediationStack | undefined;
  try {
    stack = await startRemediationStack({
      dir,
      // Every kill is restarted: no limit, no back-off, within the measurement.
      limits: "maxRuns: 100, backoff: 0s, verifyAfter: 30s",
      hubLogLevel: "warn",
      ...(variant.distDir ? { distDir: variant.distDir } : {}),
      ...(variant.exitCheckInterval ? { exitCheckInterval: variant.exitCheckInterval } : {}),
      ...(variant.cgroup ? { cgroup: true } : {}),
    });
    await stack.startUnit();
    for (let i = 0; i < trials; i++) {
      const t = await trial(stack);
      out.push(t);
      process.stdout.write(
        `  trial ${i + 1}: restarted after ${t.totalMs} ms (detect ${t.detectMs}, push+evaluate ${t.pushMs}, deliver ${t.deliverMs}, run ${t.runMs}, of which start ${t.startMs})\n`,
      );
    }
    return out;
  } finally {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function stat(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { n: s.length, median: median(s), p90: at(0.9), min: s[0] as number, max: s.at(-1) as number };
}

function line(name: string, s: ReturnType<typeof stat>): string {
  return `${name.padEnd(40)} median ${String(s.median).padStart(5)} ms   p90 ${String(s.p90).padStart(5)} ms   min ${s.min} ms   max ${s.max} ms\n`;
}

/** One kill and restart; waits first until the hub has seen the unit active and its alert resolved. */
async function trial(s: RemediationStack): Promise<Trial> {
  await until(async () => (await s.hubState()) === "active" && (await activeAlerts(s)) === 0 && s.livePid() !== undefined, 30_000);
  await sleep(500 + Math.random() * 1000);
  const old = s.livePid() as number;
  const before = (await actions(s))[0]?.id ?? 0;
  process.kill(old, "SIGKILL");
  const killedAt = Date.now();
  let observedAt: number | undefined;
  // The new process is polled every 5 ms; the firing alert (for when its sample was collected) on the side.
  const watchAlert = (async () => {
    while (observedAt === undefined && Date.now() - killedAt < 30_000) {
      const firing = await firingAlert(s);
      if (firing) observedAt = firing.observedAt;
      else await sleep(20);
    }
  })();
  let aliveAt: number | undefined;
  while (aliveAt === undefined) {
    const pid = s.livePid();
    if (pid !== undefined && pid !== old) aliveAt = Date.now();
    else if (Date.now() - killedAt > 30_000) throw new Error(`no restart within 30 s\n${s.output().slice(-3000)}`);
    else await sleep(5);
  }
  await watchAlert;
  // The agent reports when the command started with its result, after the restart returned.
  let rows: ActionRow[] = [];
  await until(async () => {
    rows = (await actions(s)).filter((r) => r.id > before);
    return rows[0]?.startedAt != null;
  }, 10_000);
  const row = rows[0];
  if (rows.length !== 1 || row === undefined || row.initiator !== "rule:unit-failed") {
    throw new Error(`expected one new automatic request, got ${JSON.stringify(rows)}`);
  }
  const collected = observedAt ?? row.issuedAt;
  const delivered = row.deliveredAt ?? row.issuedAt;
  return {
    startMs: (row.startedAt ?? delivered) - delivered,
    totalMs: aliveAt - killedAt,
    detectMs: collected - killedAt,
    pushMs: row.issuedAt - collected,
    deliverMs: delivered - row.issuedAt,
    runMs: aliveAt - delivered,
  };
}

async function actions(s: RemediationStack): Promise<ActionRow[]> {
  return ((await (await fetch(`${s.hubUrl}/api/v1/actions?limit=5`)).json()) as { actions: ActionRow[] }).actions;
}

async function activeAlerts(s: RemediationStack): Promise<number> {
  return ((await (await fetch(`${s.hubUrl}/api/v1/alerts?state=active&history=0`)).json()) as { alerts: unknown[] }).alerts.length;
}

async function firingAlert(s: RemediationStack): Promise<{ observedAt: number } | undefined> {
  const body = (await (await fetch(`${s.hubUrl}/api/v1/alerts?state=firing&history=0`)).json()) as {
    alerts: Array<{ rule: string; observedAt: number }>;
  };
  return body.alerts.find((a) => a.rule === "unit-failed");
}

/** Debian's monit through the anchor script, in this run; undefined (with the reason) when it cannot run. */
async function runMonit(
  script: string,
  trials: number,
): Promise<{ restart_s: unknown; restart_p90_s: number; versions?: unknown } | undefined> {
  const out = join(mkdtempSync(join(tmpdir(), "vigil-bench-monit-")), "monit.json");
  try {
    const { stdout } = await promisify(execFile)("python3", [script, "--trials", String(trials), "--json-out", out], {
      timeout: 10 * 60_000,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error("no RESULT line");
    JSON.parse(readFileSync(out, "utf8"));
    return JSON.parse(line.slice(7)) as { restart_s: unknown; restart_p90_s: number };
  } catch (err) {
    process.stdout.write(`monit could not be measured: ${(err as Error).message}\n`);
    return undefined;
  }
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

await main();
