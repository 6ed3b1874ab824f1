import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOllama, startFakeOllama } from "../../bench/failover-fake-ollama.ts";
import type { GroupStatus } from "../../hub/failover/api.ts";
import { freePort, getJson, type RunningProcess, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const INTERVAL_MS = 300;
const FAIL_AFTER = 3;
const HOLD_MS = 3000;

async function startHub(dir: string, port: number, groups: string, extra = ""): Promise<{ hub: RunningProcess; url: string }> {
  const yaml = join(dir, "hub.yaml");
  writeFileSync(yaml, `listen: 127.0.0.1:${port}\ndataDir: ${join(dir, "hub")}\n${extra}failover:\n  groups:\n${groups}`);
  const hub = start("hub/main.js", ["--config", yaml], {});
  const url = `http://127.0.0.1:${port}`;
  await waitFor("the hub to be ready", async () => (await getJson(`${url}/readyz`)).status === 200 || undefined);
  return { hub, url };
}

const status = async (url: string, group: string) => (await getJson<GroupStatus>(`${url}/api/v1/failover/${group}?history=10`)).body;

describe("failover end to end (built hub)", () => {
  it("an Ollama endpoint: proxy follows the primary's death within failAfter x interval, and fails back only after the hold", async () => {
    const gpu = await startFakeOllama({ name: "ollama-gpu", stream: ['{"response":"gpu","done":true}'] });
    const cpu = await startFakeOllama({ name: "ollama-cpu", stream: ['{"response":"cpu","done":true}'] });
    let gpuNow: FakeOllama = gpu;
    cleanup.push(
      () => gpuNow.kill(),
      () => cpu.kill(),
    );
    const { url } = await startHub(
      tempDir(),
      await freePort(),
      `    ollama:
      check: { interval: ${INTERVAL_MS}ms, timeout: 250ms, failAfter: ${FAIL_AFTER}, recoverAfter: 3, hold: ${HOLD_MS}ms }
      proxy: { enabled: true }
      members:
        - { name: ollama-gpu, host: gpu-box, kind: ollama, url: "${gpu.url}" }
        - { name: ollama-cpu, host: gpu-box, kind: ollama, url: "${cpu.url}" }
`,
    );
    const served = async () => {
      const res = await fetch(`${url}/proxy/ollama/api/generate`, { method: "POST", body: "{}", signal: AbortSignal.timeout(2000) });
      return { member: res.headers.get("x-vigil-failover-member"), body: await res.text() };
    };
    await waitFor("both members up", async () => (await status(url, "ollama")).members.every((m) => m.status === "up") || undefined);
    expect(await served()).toEqual({ member: "ollama-gpu", body: '{"response":"gpu","done":true}\n' });

    await gpu.kill();
    const killedAt = Date.now();
    await waitFor("the fallback to serve", async () => ((await served()).member === "ollama-cpu" ? true : undefined), 10_000, 50);
    const failedOver = await status(url, "ollama");
    expect(failedOver).toMatchObject({ active: "ollama-cpu", epoch: 2 });
    expect(failedOver.reason).toMatch(
      /^ollama-gpu failed 3 checks in a row \(\/api\/version: (connection refused|connection reset|connection closed)\)$/,
    );
    // The third failed check is at most failAfter intervals after the kill; the rest is timer slack on a busy machine.
    expect((failedOver.history?.[0]?.at ?? 0) - killedAt).toBeLessThanOrEqual(FAIL_AFTER * INTERVAL_MS + 2000);

    gpuNow = await startFakeOllama({ port: gpu.port, name: "ollama-gpu", stream: ['{"response":"gpu","done":true}'] });
    const backAt = Date.now();
    await waitFor("the failback", async () => ((await status(url, "ollama")).active === "ollama-gpu" ? true : undefined), 15_000, 50);
    const back = await status(url, "ollama");
    expect(back).toMatchObject({
      active: "ollama-gpu",
      epoch: 3,
      history: [{ cause: "failback" }, { cause: "failover" }, { cause: "initial" }],
    });
    const held = Number(/over (\d+) s; failback/.exec(back.reason)?.[1]);
    expect(held).toBeGreaterThanOrEqual(HOLD_MS / 1000);
    expect((back.history?.[0]?.at ?? 0) - backAt).toBeGreaterThanOrEqual(HOLD_MS - INTERVAL_MS);
    expect((await served()).member).toBe("ollama-gpu");
  }, 60_000);

  it("two hosts' run-if-active never run in one epoch, through a switch, a hub outage and a stale epoch", async () => {
    const dir = tempDir();
    // Host A's service, whose health decides job-a's; job-b's is always up.
    let aHealthy = true;
    const aService: Server = createServer((_req, res) => res.writeHead(aHealthy ? 200 : 503).end());
    const bService: Server = createServer((_req, res) => res.writeHead(200).end());
    for (const s of [aService, bService]) {
      await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
      cleanup.push(() => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))));
    }
    const svc = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/health`;
    const port = await freePort();
    const groups = `    predictions:
      check: { interval: ${INTERVAL_MS}ms, timeout: 250ms, failAfter: ${FAIL_AFTER}, recoverAfter: 3, hold: 60s }
      lease: 2s
      members:
        - { name: job-a, host: box-a, kind: job, job: predictions, check: { kind: http, url: "${svc(aService)}" } }
        - { name: job-b, host: box-b, kind: job, job: predictions-fallback, check: { kind: http, url: "${svc(bService)}" } }
`;
    const auth = "auth:\n  agents: [{ id: box-a, token: tok-a-1 }, { id: box-b, token: tok-b-2 }]\n";
    let { hub, url } = await startHub(dir, port, groups, auth);
    const log = join(dir, "predictions.log");
    writeFileSync(log, "");
    const agentYaml = (id: string, token: string) => {
      const file = join(dir, `${id}.yaml`);
      writeFileSync(file, `agent: { id: ${id} }\ndataDir: ${join(dir, id)}\nhub: { url: "${url}", token: ${token}, timeout: 1s }\n`);
      return file;
    };
    const configs = { "box-a": agentYaml("box-a", "tok-a-1"), "box-b": agentYaml("box-b", "tok-b-2") };
    const job = `require("node:fs").appendFileSync(${JSON.stringify(log)}, process.env.HOST_ID + " " + process.env.VIGIL_FAILOVER_EPOCH + " " + process.env.VIGIL_FAILOVER_CONFIRMED + "\\n")`;
    const runIfActive = async (host: "box-a" | "box-b", argv = [process.execPath, "-e", job]) => {
      const p = start("agent/main.js", ["run-if-active", "--config", configs[host], "predictions", "--", ...argv], { HOST_ID: host });
      return { code: await p.exited, output: p.output() };
    };

    expect((await runIfActive("box-a")).code).toBe(0);
    expect((await runIfActive("box-b")).code).toBe(75);

    aHealthy = false;
    await waitFor("job-b to be active", async () => ((await status(url, "predictions")).active === "job-b" ? true : undefined), 10_000);
    // box-a's lease of epoch 1 (2 s) may still run: box-b is told to wait for it, then runs in epoch 2.
    await waitFor("box-b to run", async () => ((await runIfActive("box-b")).code === 0 ? true : undefined), 15_000, 200);
    expect((await runIfActive("box-a")).code).toBe(75);

    // A supervisor stopping the job: SIGTERM reaches the command, and its status is ours.
    const marker = join(dir, "term.txt");
    const long = start(
      "agent/main.js",
      [
        "run-if-active",
        "--config",
        configs["box-b"],
        "predictions",
        "--",
        process.execPath,
        "-e",
        `process.on("SIGTERM", () => { require("node:fs").writeFileSync(${JSON.stringify(marker)}, "SIGTERM"); process.exit(143); }); require("node:fs").writeFileSync(${JSON.stringify(marker)}, "started"); setInterval(() => {}, 1000);`,
      ],
      {},
    );
    await waitFor("the long job to start", () => {
      try {
        return readFileSync(marker, "utf8") === "started" || undefined;
      } catch {
        return undefined;
      }
    });
    long.child.kill("SIGTERM");
    expect(await long.exited).toBe(143);
    expect(readFileSync(marker, "utf8")).toBe("SIGTERM");

    // Hub outage, once box-b's lease has run out: box-a, the primary, runs under the policy with the
    // last epoch it was granted (1), which is stale; box-b, a fallback, does not run.
    await new Promise((r) => setTimeout(r, 2100));
    hub.child.kill("SIGTERM");
    await hub.exited;
    const outageA = await runIfActive("box-a");
    expect(outageA.code).toBe(0);
    expect(outageA.output).toContain("running as the group's primary under its policy primary-runs, with epoch 1");
    const outageB = await runIfActive("box-b");
    expect(outageB.code).toBe(69);

    // The hub comes back with the epoch it had.
    ({ hub, url } = await startHub(dir, port, groups, auth));
    expect(await status(url, "predictions")).toMatchObject({ active: "job-b", epoch: 2 });

    const runs = readFileSync(log, "utf8").trimEnd().split("\n");
    // host, epoch, confirmed: box-a's late run carries epoch 1, lower than box-b's 2, so a reader can drop it.
    expect(runs).toEqual(["box-a 1 1", "box-b 2 1", "box-a 1 0"]);
    const hostsByEpoch = new Map<string, Set<string>>();
    for (const r of runs) {
      const [host = "", epoch = ""] = r.split(" ");
      hostsByEpoch.set(epoch, (hostsByEpoch.get(epoch) ?? new Set()).add(host));
    }
    for (const hosts of hostsByEpoch.values()) expect(hosts.size).toBe(1);
  }, 90_000);
});
