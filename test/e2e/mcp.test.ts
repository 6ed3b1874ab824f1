import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { parseHelpQueryGpu } from "../../agent/collectors/gpu/parse-help-query.ts";
import { COMPUTE_APP_FIELDS, selectGpuFields } from "../../agent/collectors/gpu/query-fields.ts";
import { recordedCalls, writeArgvRecorder } from "../agent/actions/support/argv-recorder.ts";
import { csvFixture, projectCsvFixture, smiFixture, smiFixturePath } from "../agent/gpu/smi-fixtures.ts";
import { writeFakeBin } from "../support/fake-bin.ts";
import { DIST, freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
});

const TOKENS = { desk: "mcp-desk-e2e-token-6a", admin: "adm-e2e-token-2f", agent: "agent-e2e-token-9d" };
const RUNBOOK = "# box-a\n\nNever restart PostgreSQL without coordination: the recommender and the wiki use it.\n";

const HELP = "h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt";
const H100_CSV = "h100-80gb-hbm3-load-allfields-driver590.48.01.csv";
const H100_APPS = "h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv";
const FIELDS_590 = selectGpuFields(parseHelpQueryGpu(smiFixture(HELP)), new Set()).map(([, name]) => name);
const FORMAT = "--format=csv,noheader,nounits";

/** The H100 fixture's temperature.gpu: what host_state must show for GPU 0. */
function fixtureTemperature(): number {
  const { fields, body } = csvFixture(H100_CSV);
  return Number(body.split("\n")[0]?.split(", ")[fields.indexOf("temperature.gpu")]);
}

/** The built hub and agent on 127.0.0.1; the agent's nvidia-smi answers with a real H100 capture, its actions run recorders. */
async function stack() {
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
  adminTokens: [${TOKENS.admin}]
  agents: [{ id: box-a, token: ${TOKENS.agent} }]
mcp:
  clients: [{ name: desk, token: ${TOKENS.desk} }]
  dangerActions: [{ host: box-a, action: drain-gpu }]
  runbooks:
    box-a: ${JSON.stringify(RUNBOOK)}
`,
  );
  start("hub/main.js", ["--config", hubYaml], {});
  await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
  const { body: key } = await getJson<{ publicKey: string }>(`${hubUrl}/api/v1/actions/public-key`);

  const nvidiaSmi = writeFakeBin(bin, "nvidia-smi", [
    { args: "--help-query-gpu", stdoutFile: smiFixturePath(HELP) },
    { args: `'--query-gpu=${FIELDS_590.join(",")} ${FORMAT}'`, stdout: projectCsvFixture(H100_CSV, FIELDS_590) },
    { args: `'--query-compute-apps=${COMPUTE_APP_FIELDS.join(",")} ${FORMAT}'`, stdout: projectCsvFixture(H100_APPS, COMPUTE_APP_FIELDS) },
  ]);
  const zfs = writeArgvRecorder(bin, "zfs", { stdout: "" });
  const pgctl = writeArgvRecorder(bin, "pg_ctlcluster");
  const drain = writeArgvRecorder(bin, "drain-gpu", { stdout: "drained\n" });
  const agentYaml = join(dir, "agent.yaml");
  writeFileSync(
    agentYaml,
    `agent: { id: box-a }
dataDir: ${join(dir, "agent")}
listen: 127.0.0.1:${agentPort}
hub: { url: "${hubUrl}", token: ${TOKENS.agent}, pushInterval: 1s, retryInitial: 100ms, retryMax: 1s }
collectors:
  system: { interval: 1s }
  gpu: { interval: 1s, nvidiaSmiPath: ${nvidiaSmi}, xml: false }
  probes: { enabled: false }
  units: { enabled: false }
  zfs: { enabled: false }
  containers: { enabled: false }
actions:
  hubPublicKey: "${key.publicKey}"
  catalog:
    zfs-snapshot:
      risk: safe
      argv: [${zfs}, snapshot, { splice: "{dataset}@{name}" }]
      params:
        dataset: { type: enum, values: [nvme-fast/models] }
        name: { type: string, pattern: "vigil-[a-z0-9-]{1,40}" }
    restart-postgres:
      description: restart PostgreSQL 16 (breaks every client; coordinate first)
      risk: danger
      argv: [${pgctl}, "16", main, restart]
    drain-gpu:
      risk: danger
      argv: [${drain}]
`,
  );
  start("agent/main.js", ["--config", agentYaml], {});
  await waitFor(
    "the agent's GPU and catalog at the hub",
    async () => {
      const gpus = await getJson<{ entities: unknown[] }>(`${hubUrl}/api/v1/hosts/box-a/gpus`);
      const actions = await getJson<{ reportedAt: number | null }>(`${hubUrl}/api/v1/hosts/box-a/actions`);
      return (gpus.status === 200 && gpus.body.entities.length > 0 && actions.body.reportedAt !== null) || undefined;
    },
    30_000,
    200,
  );
  const mcpCalls = async () => {
    const res = await fetch(`${hubUrl}/api/v1/mcp/calls?limit=100`, { headers: { authorization: `Bearer ${TOKENS.admin}` } });
    return ((await res.json()) as { calls: Array<Record<string, unknown>> }).calls;
  };
  return { dir, bin, hubUrl, bins: { zfs, pgctl, drain }, mcpCalls };
}

async function httpClient(hubUrl: string): Promise<Client> {
  const client = new Client({ name: "e2e-http", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${hubUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKENS.desk}` } } }),
  );
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 })) as CallToolResult;
}

const firstText = (r: CallToolResult) => (r.content[0]?.type === "text" ? r.content[0].text : "");

/** What every transport must do: read a host fed by the real agent, run a safe action, be refused a danger one. */
async function exercise(client: Client, s: Awaited<ReturnType<typeof stack>>, snapshotName: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["fleet_overview", "host_state", "list_actions", "run_action"]));

  const fleet = await call(client, "fleet_overview");
  expect(fleet.structuredContent).toMatchObject({
    counts: { hosts: 1, up: 1 },
    hosts: [{ id: "box-a", status: "up", runbook: "vigil://runbook/host/box-a" }],
  });

  const host = await call(client, "host_state", { host: "box-a", include: ["gpus"] });
  const gpus = (
    host.structuredContent as { gpus: { entities: Array<{ id: string; labels: Record<string, string>; values: Record<string, number> }> } }
  ).gpus;
  expect(gpus.entities[0]).toMatchObject({
    id: "0",
    labels: { name: "NVIDIA H100 80GB HBM3" },
    values: { temperatureCelsius: fixtureTemperature() },
  });
  expect((host.structuredContent as { system: { load1?: number } }).system.load1).toEqual(expect.any(Number));

  const runbook = await client.readResource({ uri: "vigil://runbook/host/box-a" });
  expect(runbook.contents[0]).toMatchObject({ mimeType: "text/markdown", text: RUNBOOK });

  const listed = await call(client, "list_actions", { host: "box-a" });
  expect((listed.structuredContent as { actions: Array<{ name: string; viaMcp: string }> }).actions.map((a) => [a.name, a.viaMcp])).toEqual(
    [
      ["zfs-snapshot", "runs"],
      ["restart-postgres", "not_allowed"],
      ["drain-gpu", "needs_confirmation"],
    ],
  );

  const ran = await call(client, "run_action", {
    host: "box-a",
    action: "zfs-snapshot",
    params: { dataset: "nvme-fast/models", name: snapshotName },
    waitSeconds: 20,
  });
  expect(ran.isError).toBeFalsy();
  expect(ran.structuredContent).toMatchObject({
    outcome: "finished",
    action: {
      status: "succeeded",
      exitCode: 0,
      initiator: "user:mcp:desk",
      argv: [s.bins.zfs, "snapshot", `nvme-fast/models@${snapshotName}`],
    },
  });
  expect(recordedCalls(s.bins.zfs)).toContainEqual(["snapshot", `nvme-fast/models@${snapshotName}`]);

  const refused = await call(client, "run_action", { host: "box-a", action: "restart-postgres", reason: "config reload" });
  expect(refused.isError).toBe(true);
  expect(firstText(refused)).toMatch(/^refused DANGER_NOT_ALLOWED: restart-postgres on box-a is a danger action/);
  expect(recordedCalls(s.bins.pgctl)).toEqual([]);

  const malformed = await call(client, "run_action", { host: "box-a", action: "zfs-snapshot", params: "dataset=nvme-fast/models" });
  expect(malformed.isError).toBe(true);
  expect(firstText(malformed)).toMatch(/Input validation error: .* at params/);
}

describe("MCP end to end: built hub and agent on 127.0.0.1, the SDK's own client", () => {
  it("over Streamable HTTP: reads the agent's host, runs a safe action, is refused a danger one; every call audited as the client", async () => {
    const s = await stack();
    const client = await httpClient(s.hubUrl);
    await exercise(client, s, "vigil-mcp-http");
    const calls = await s.mcpCalls();
    expect(calls.map((c) => [c.client, c.name, c.outcome, c.code])).toEqual([
      ["desk", "run_action", "error", "INVALID_ARGUMENTS"],
      ["desk", "run_action", "refused", "DANGER_NOT_ALLOWED"],
      ["desk", "run_action", "ok", "succeeded"],
      ["desk", "list_actions", "ok", null],
      ["desk", "vigil://runbook/host/box-a", "ok", null],
      ["desk", "host_state", "ok", null],
      ["desk", "fleet_overview", "ok", null],
    ]);
    const actions = (await (
      await fetch(`${s.hubUrl}/api/v1/actions`, { headers: { authorization: `Bearer ${TOKENS.admin}` } })
    ).json()) as {
      actions: Array<{ action: string; initiator: string; status: string }>;
    };
    expect(actions.actions).toEqual([expect.objectContaining({ action: "zfs-snapshot", initiator: "user:mcp:desk", status: "succeeded" })]);
  });

  it("over stdio through `vigil mcp`: the same, and a danger action runs only after `vigil mcp confirm`", async () => {
    const s = await stack();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(DIST, "hub/cli/main.js"), "mcp", "--timeout", "30s"],
      env: { PATH: process.env.PATH ?? "", HOME: s.dir, VIGIL_HUB_URL: s.hubUrl, VIGIL_TOKEN: TOKENS.desk },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const client = new Client({ name: "e2e-stdio", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    expect(client.getServerVersion()).toMatchObject({ name: "vigil" });
    await exercise(client, s, "vigil-mcp-stdio");
    expect(stderr).toContain(`vigil mcp: relaying MCP on stdio to ${s.hubUrl}/mcp`);

    const asked = await call(client, "run_action", { host: "box-a", action: "drain-gpu", reason: "move inference to box-b" });
    const pending = (asked.structuredContent as { pending: { id: string } }).pending;
    expect(asked.structuredContent).toMatchObject({ outcome: "pending_confirmation" });
    expect(recordedCalls(s.bins.drain)).toEqual([]);

    const confirm = await runVigil(["mcp", "confirm", pending.id, "--wait", "20s", "--timeout", "30s"], s.hubUrl, TOKENS.admin);
    expect(confirm.code).toBe(0);
    expect(confirm.stdout).toContain(`${pending.id}: drain-gpu on box-a, asked by mcp:desk`);
    expect(confirm.stdout).toContain("drain-gpu on box-a: succeeded (exit 0");
    expect(confirm.stdout).toContain("by user:admin confirming mcp:desk (admin)");
    expect(recordedCalls(s.bins.drain)).toEqual([[]]);
    const seen = await call(client, "pending_request", { id: pending.id });
    expect(seen.structuredContent).toMatchObject({ status: "confirmed", decidedBy: "user:admin", action_result: { status: "succeeded" } });
  });
});

/** Runs the built `vigil` CLI once. */
function runVigil(args: string[], hubUrl: string, token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(DIST, "hub/cli/main.js"), ...args], {
      env: { PATH: process.env.PATH ?? "", VIGIL_HUB_URL: hubUrl, VIGIL_TOKEN: token },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
