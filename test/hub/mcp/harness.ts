import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach } from "vitest";
import { listen } from "../../../shared/http/serve.ts";
import { PROTOCOL_VERSION } from "../../../shared/protocol/version.ts";
import type { BatchOptions } from "../../support/batches.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeTestHub, T0, type TestHub } from "../registry-helpers.ts";

export const TOKENS = {
  desk: "mcp-desk-token-4f1a",
  laptop: "mcp-laptop-token-9c2e",
  admin: "adm-token-77d0",
  alice: "op-alice-token-31b5",
  bob: "op-bob-token-8e44",
  agent: "agent-gpu-token-5d2c",
  nasAgent: "agent-nas-token-0a9b",
} as const;

export const GPU_BOX_RUNBOOK = "# gpu-box\n\n- Never restart PostgreSQL without coordination: every app on the LAN uses it.\n";

export const YAML = `
auth:
  adminTokens: [${TOKENS.admin}]
  agents:
    - { id: gpu-box, token: ${TOKENS.agent} }
    - { id: nas, token: ${TOKENS.nasAgent} }
actions:
  operators:
    - { name: alice, token: ${TOKENS.alice}, role: operator }
    - { name: bob, token: ${TOKENS.bob}, role: admin }
mcp:
  clients:
    - { name: desk, token: ${TOKENS.desk} }
    - { name: laptop, token: ${TOKENS.laptop} }
  dangerActions:
    - { host: gpu-box, action: restart-postgres }
  confirmTtl: 10m
  runbooks:
    gpu-box: |
${GPU_BOX_RUNBOOK.split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
  fleetRunbook: "Ask before touching ZFS pools."
`;

/** The catalog gpu-box's agent reports: one action of each risk class, plus a second danger one not allowed for MCP. */
export const GPU_BOX_CATALOG = [
  {
    name: "zfs-snapshot",
    risk: "safe",
    params: {
      dataset: { type: "enum", values: ["nvme-fast/models"] },
      name: { type: "string", pattern: "vigil-[a-z0-9-]{1,40}", maxLength: 128, allowLeadingDash: false },
    },
    target: "dataset:{dataset}",
    timeoutMs: 60_000,
  },
  {
    name: "restart-unit",
    description: "restart one of the inference services",
    risk: "caution",
    params: { unit: { type: "enum", values: ["ollama-gpu.service", "ollama-cpu.service"] } },
    target: "unit:{unit}",
    timeoutMs: 90_000,
  },
  { name: "restart-postgres", risk: "danger", params: {}, target: "restart-postgres", timeoutMs: 300_000 },
  { name: "reboot", risk: "danger", params: {}, target: "reboot", timeoutMs: 60_000 },
];

/** Newest values of gpu-box as its agent would push them (names from the shared catalogs). */
const SAMPLES: NonNullable<BatchOptions["samples"]> = [
  { name: "vigil_load1", value: 0.42 },
  { name: "vigil_cpu_usage_percent", labels: { cpu: "total" }, value: 37.5 },
  { name: "vigil_memory_used_percent", value: 41.2 },
  { name: "vigil_filesystem_used_percent", labels: { mountpoint: "/", fstype: "ext4", device: "/dev/nvme0n1p2" }, value: 72.1 },
  { name: "vigil_gpu_temperature_celsius", labels: { gpu: "0", uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" }, value: 64 },
  { name: "vigil_gpu_utilization_percent", labels: { gpu: "0", uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" }, value: 97 },
  {
    name: "vigil_gpu_clock_hertz",
    labels: { gpu: "0", uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090", clock: "sm" },
    value: 2_520_000_000,
  },
  { name: "vigil_zfs_pool_capacity_percent", labels: { pool: "nvme-fast" }, value: 86 },
];
const STATES: NonNullable<BatchOptions["states"]> = [{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, state: "DEGRADED" }];

export interface McpTestHub extends TestHub {
  url: string;
  connect(token?: string): Promise<Client>;
  /** POST /api/v1/agent/actions/catalog as gpu-box's agent. */
  reportCatalog(actions?: unknown[]): Promise<Response>;
}

/** The real hub app, listening on 127.0.0.1, with gpu-box's data and catalog; clients are closed after each test. */
export function useMcpHub(): () => Promise<McpTestHub> {
  const tempDir = useTempDirs();
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return async () => {
    const h = makeTestHub(tempDir(), { yaml: YAML });
    cleanups.push(() => h.store.close());
    const pushed = await h.push({ agentId: "gpu-box", token: TOKENS.agent, timestamp: T0 - 1000, samples: SAMPLES, states: STATES });
    if (pushed.status !== 200) throw new Error(`push failed: ${pushed.status} ${await pushed.text()}`);
    const server = await listen(h.app, "127.0.0.1", 0);
    cleanups.push(() => server.close());
    const reportCatalog = (actions: unknown[] = GPU_BOX_CATALOG) =>
      fetch(`${server.url}/api/v1/agent/actions/catalog`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS.agent}` },
        body: JSON.stringify({
          protocolVersion: PROTOCOL_VERSION,
          kind: "action_catalog",
          payload: { agentId: "gpu-box", reportedAt: T0, actions },
        }),
      });
    const connect = async (token: string = TOKENS.desk) => {
      const client = new Client({ name: "vigil-test", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      await client.connect(transport);
      cleanups.push(() => client.close());
      return client;
    };
    return Object.assign(h, { url: server.url, connect, reportCatalog });
  };
}

/** A tool call's result, typed for the assertions. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** An API answer's JSON body, typed for the assertions. */
export async function body<T = { calls: Array<Record<string, unknown>>; error: { code: string } }>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}
