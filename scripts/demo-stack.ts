/**
 * Starts the built hub and one built agent per demo host (scripts/demo-hosts.ts) on 127.0.0.1, as
 * `npm run demo` and the dashboard's browser tests (test/ui/) both need them. Agents run with the
 * same Node flags as in production (AGENT_NODE_FLAGS). Children get an IPC channel as a lifeline:
 * they stop when this process dies, however it dies.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";
import { type FakeOllama, startFakeOllama } from "../bench/failover-fake-ollama.ts";
import { freePort } from "../shared/net/free-port.ts";
import { DEMO_HOSTS, type DemoHost } from "./demo-hosts.ts";

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");

export interface DemoStackOptions {
  /** Everything goes here: configs, databases, fake tools. */
  dir: string;
  /** Default: a free port. */
  hubPort?: number;
  /** How often collectors run and agents push. */
  interval: string;
  /** Tokens; none: the hub is open on loopback and this machine is admin. */
  adminToken?: string;
  viewerToken?: string;
  agentToken?: string;
  /** YAML appended to the hub's config (notification channels, rules). */
  hubYaml?: string;
  /** Where the programs' output goes: collected (tests, shown on failure) or this process's stderr (the demo). */
  output: "collect" | "inherit";
  hosts?: readonly DemoHost[];
}

export interface DemoStack {
  hubUrl: string;
  hosts: readonly DemoHost[];
  /** The output of every program so far (collect mode). */
  output(): string;
  stop(): Promise<void>;
}

/** A group of two fake Ollama servers, the GPU one active: the failover page's data. */
function failoverYaml(gpu: FakeOllama, cpu: FakeOllama): string {
  return (
    `failover:\n  groups:\n    ollama:\n` +
    `      check: { interval: 1s, timeout: 500ms, failAfter: 3, recoverAfter: 3, hold: 30s }\n` +
    `      members:\n` +
    `        - { name: ollama-gpu, host: gpu-box, kind: ollama, url: "${gpu.url}" }\n` +
    `        - { name: ollama-cpu, host: cpu-box, kind: ollama, url: "${cpu.url}" }\n`
  );
}

export async function startDemoStack(o: DemoStackOptions): Promise<DemoStack> {
  const hosts = o.hosts ?? DEMO_HOSTS;
  const children: ChildProcess[] = [];
  const ollamas: FakeOllama[] = [];
  let out = "";
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await Promise.all(ollamas.map((f) => f.kill()));
  };
  const run = (name: string, args: string[]) => {
    const child = spawn(process.execPath, args, {
      cwd: o.dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", TZ: process.env.TZ ?? "UTC" },
      stdio: ["ignore", o.output === "inherit" ? "inherit" : "pipe", o.output === "inherit" ? "inherit" : "pipe", "ipc"],
    });
    const collect = (d: Buffer) => {
      out += `[${name}] ${d.toString()}`;
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    children.push(child);
    return child;
  };

  try {
    const gpuOllama = await startFakeOllama({ name: "ollama-gpu" });
    ollamas.push(gpuOllama);
    const cpuOllama = await startFakeOllama({ name: "ollama-cpu" });
    ollamas.push(cpuOllama);

    const port = o.hubPort ?? (await freePort());
    const hubUrl = `http://127.0.0.1:${port}`;
    const auth = [
      o.adminToken ? `  adminTokens: [${o.adminToken}]\n` : "",
      o.viewerToken ? `  viewerTokens: [${o.viewerToken}]\n` : "",
      o.agentToken ? `  agentTokens: [${o.agentToken}]\n` : "",
    ].join("");
    const hubConfig = join(o.dir, "hub.yaml");
    mkdirSync(o.dir, { recursive: true });
    writeFileSync(
      hubConfig,
      `listen: 127.0.0.1:${port}\ndataDir: ${join(o.dir, "hub")}\n` +
        (auth === "" ? "" : `auth:\n${auth}`) +
        failoverYaml(gpuOllama, cpuOllama) +
        (o.hubYaml ?? ""),
    );
    const hub = run("hub", [join(DIST, "hub", "main.js"), "--config", hubConfig]);
    await waitUntil(
      "the hub to answer /readyz",
      hub,
      async () => (await fetch(`${hubUrl}/readyz`, { signal: AbortSignal.timeout(1000) })).ok,
    );
    const key = (await (await fetch(`${hubUrl}/api/v1/actions/public-key`)).json()) as { publicKey: string };

    for (const host of hosts) {
      const dir = join(o.dir, host.id);
      mkdirSync(dir, { recursive: true });
      const yaml = join(dir, "agent.yaml");
      writeFileSync(
        yaml,
        `agent: { id: ${host.id}, labels: { demo: "true" } }\n` +
          `dataDir: ${join(dir, "data")}\n` +
          `listen: 127.0.0.1:${await freePort()}\n` +
          `hub: { url: "${hubUrl}", pushInterval: ${o.interval}, retryInitial: 200ms, retryMax: 2s${o.agentToken ? `, token: ${o.agentToken}` : ""} }\n` +
          host.prepare({ dir, hubUrl, interval: o.interval }, key.publicKey),
      );
      run(host.id, [...AGENT_NODE_FLAGS, join(DIST, "agent", "main.js"), "--config", yaml]);
    }
    const headers: Record<string, string> = o.viewerToken ? { authorization: `Bearer ${o.viewerToken}` } : {};
    await waitUntil("every demo host to report", hub, async () => {
      const res = await fetch(`${hubUrl}/api/v1/hosts`, { headers, signal: AbortSignal.timeout(1000) });
      const { hosts: seen } = (await res.json()) as { hosts: Array<{ id: string }> };
      return hosts.every((h) => seen.some((s) => s.id === h.id));
    });
    return { hubUrl, hosts, output: () => out, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- output of the programs ---\n${out}`);
  }
}

/** Polls `check` until it is true, for at most 30 s; fails at once if `process` exits. */
async function waitUntil(what: string, child: ChildProcess, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`waiting for ${what}: the process exited (${child.exitCode ?? child.signalCode})`);
    try {
      if (await check()) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after 30 s waiting for ${what}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
