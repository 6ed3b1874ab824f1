import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";
import { waitForHttpOk } from "../shared/http/wait-ready.ts";
import { freePort } from "../shared/net/free-port.ts";
import { processAlive, unitPid, writeFakeSystemctl } from "./remediation-fake-systemctl.ts";

// Run from dist/bench (the benchmark) or from the sources (the e2e test): the built programs either way.
const PARENT = join(import.meta.dirname, "..");
const DIST = basename(PARENT) === "dist" ? PARENT : join(PARENT, "dist");
const AGENT_ID = "box-a";
const AGENT_TOKEN = "remediation-agent-token-5f";

export interface RemediationStackOptions {
  dir: string;
  /** The unit the agent watches and the action may restart. */
  unit?: string;
  /** Settings added to the built-in unit-failed rule's remediation (YAML flow mapping entries): `maxRuns: 2, backoff: 1s`. */
  limits?: string;
  /** A webhook receiver for every notification. */
  webhookUrl?: string;
  /** The agent's units collection and push interval. */
  interval?: string;
  /** The units collection interval alone, when it differs from the push interval. */
  unitsInterval?: string;
  /** Start the unit before the agent, so that the agent's first collection sees it running. */
  unitRunningAtStart?: boolean;
  hubLogLevel?: string;
  /** Another build of the programs (a prototype to compare); default this tree's dist/. */
  distDir?: string;
  /** The units collector's `exitCheckInterval` (its default when absent; `0s` turns the exit watch off). */
  exitCheckInterval?: string;
  /** Run the unit's process in its own cgroup v2 (needs root and a writable cgroup2 mount), as systemd does. */
  cgroup?: boolean;
}

export interface RemediationStack {
  hubUrl: string;
  agentId: string;
  unit: string;
  stateDir: string;
  systemctl: string;
  /** The agent's process id (for measuring its CPU time). */
  agentPid: number;
  /** What the hub and the agent logged, for a failing test's message. */
  output(): string;
  /** Starts (or restarts) the unit through the stand-in, as an operator would. */
  startUnit(): Promise<void>;
  /** The unit's process id, if it lives. */
  livePid(): number | undefined;
  /** The unit's active state as the hub last stored it. */
  hubState(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * The built hub and agent on 127.0.0.1 with the setup the remediation tests and benchmark share: the
 * agent watches one unit through the systemctl stand-in (remediation-fake-systemctl.ts) every
 * `interval` and pushes as often, its catalog has `restart-unit` (caution) running the stand-in, and
 * the hub's built-in unit-failed rule remediates with it (cooldown 0s, so a unit that keeps dying
 * fires each time).
 */
export async function startRemediationStack(o: RemediationStackOptions): Promise<RemediationStack> {
  const unit = o.unit ?? "demo.service";
  const interval = o.interval ?? "1s";
  const stateDir = join(o.dir, "units");
  const cgroup = o.cgroup ? makeBenchCgroup() : undefined;
  const systemctl = writeFakeSystemctl(join(o.dir, "bin"), stateDir, cgroup);
  const children: ChildProcess[] = [];
  let out = "";
  const start = (args: string[]) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout?.on("data", (d: Buffer) => void (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => void (out += d.toString()));
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(children.map(killGroup));
    const pid = unitPid(stateDir, unit);
    if (processAlive(pid)) process.kill(pid as number, "SIGKILL");
    if (cgroup) await removeCgroup(cgroup.dir);
  };

  try {
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const hubYaml = join(o.dir, "hub.yaml");
    writeFileSync(
      hubYaml,
      `listen: 127.0.0.1:${hubPort}
dataDir: ${join(o.dir, "hub")}
log: { level: ${o.hubLogLevel ?? "info"} }
auth:
  agents: [{ id: ${AGENT_ID}, token: ${AGENT_TOKEN} }]
remediation:
  actions:
    restart-unit: { risk: caution }
builtinRules:
  unit-failed:
    cooldown: 0s
    remediation: { action: restart-unit, params: { unit: "{{labels.unit}}" }${o.limits ? `, ${o.limits}` : ""} }
${o.webhookUrl ? `notify:\n  groupWait: 0ms\n  channels:\n    hook: { type: webhook, url: "${o.webhookUrl}" }\n` : ""}`,
    );
    start([join(o.distDir ?? DIST, "hub", "main.js"), "--config", hubYaml]);
    await waitForHttpOk(`${hubUrl}/readyz`, 20_000);
    const key = (await (await fetch(`${hubUrl}/api/v1/actions/public-key`)).json()) as { publicKey: string };

    const agentYaml = join(o.dir, "agent.yaml");
    writeFileSync(
      agentYaml,
      `agent: { id: ${AGENT_ID} }
dataDir: ${join(o.dir, "agent")}
listen: 127.0.0.1:${await freePort()}
hub: { url: "${hubUrl}", token: ${AGENT_TOKEN}, pushInterval: ${interval}, retryInitial: 100ms, retryMax: 1s }
collectors:
  system: { enabled: false }
  probes: { enabled: false }
  gpu: { enabled: false }
  zfs: { enabled: false }
  containers: { enabled: false }
  units: { interval: ${o.unitsInterval ?? interval}, units: [${unit}], reportFailed: false, systemctl: ${systemctl}${o.exitCheckInterval ? `, exitCheckInterval: ${o.exitCheckInterval}` : ""} }
actions:
  hubPublicKey: "${key.publicKey}"
  catalog:
    restart-unit:
      risk: caution
      argv: [${systemctl}, restart, "{unit}"]
      params:
        unit: { type: enum, values: [${unit}] }
      target: "unit:{unit}"
      timeout: 30s
`,
    );
    if (o.unitRunningAtStart) await promisify(execFile)(systemctl, ["start", unit]);
    const agent = start([...AGENT_NODE_FLAGS, join(o.distDir ?? DIST, "agent", "main.js"), "--config", agentYaml]);

    const hubState = async (): Promise<string | undefined> => {
      const res = await fetch(`${hubUrl}/api/v1/hosts/${AGENT_ID}/latest`, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) return undefined;
      const latest = (await res.json()) as { states: Array<{ name: string; labels: Record<string, string>; state: string }> };
      return latest.states.find((s) => s.name === "vigil_unit_active_state" && s.labels.unit === unit)?.state;
    };
    return {
      hubUrl,
      agentId: AGENT_ID,
      unit,
      stateDir,
      systemctl,
      agentPid: agent.pid as number,
      output: () => out,
      startUnit: async () => {
        await promisify(execFile)(systemctl, ["restart", unit]);
      },
      livePid: () => {
        const pid = unitPid(stateDir, unit);
        return processAlive(pid) ? pid : undefined;
      },
      hubState,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- output ---\n${out}`, { cause: err });
  }
}

/** Kills a child's whole process group and waits for it to exit. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-(child.pid as number), "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
  await exited;
}

/**
 * A fresh cgroup under the cgroup v2 mount (/sys/fs/cgroup, or /sys/fs/cgroup/unified in systemd's
 * hybrid layout) for the stand-in's units, and its path as systemd's ControlGroup names it.
 */
function makeBenchCgroup(): { dir: string; controlGroup: string } {
  const mount = readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" "))
    .find((fields) => fields[2] === "cgroup2")?.[1];
  if (mount === undefined) throw new Error("--cgroup needs a cgroup v2 mount; /proc/self/mounts lists none");
  const controlGroup = `/vigil-bench-${process.pid}-${Date.now()}`;
  const dir = join(mount, controlGroup);
  mkdirSync(dir);
  return { dir, controlGroup };
}

/** Removes the bench's cgroup and the units' cgroups in it, once their processes are gone. */
async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) rmdirSync(join(dir, entry.name));
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
