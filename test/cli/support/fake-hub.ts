import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HostLatest, HostList, HostSummary } from "../../../shared/api/hosts.ts";
import type { HostView, ViewEntity } from "../../../shared/api/views.ts";

/** A fixed answer: a JSON value (serialised) or raw text, with a status. `hang` never answers. */
export type Reply = { status: number; json: unknown } | { status: number; text: string } | "hang";

export interface FakeHub {
  url: string;
  /** Requests received: method, path and headers. */
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/**
 * A small real HTTP server on 127.0.0.1 (port 0) that answers each path with a fixed reply,
 * and 404 with the hub's error body for any other path.
 */
export async function startFakeHub(routes: Record<string, Reply>): Promise<FakeHub> {
  const requests: FakeHub["requests"] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push({ method: req.method ?? "", path, headers: req.headers });
    const reply = routes[path] ?? { status: 404, json: { error: { code: "NOT_FOUND", message: `no route ${path}` } } };
    if (reply === "hang") return;
    const isJson = "json" in reply;
    res.writeHead(reply.status, { "content-type": isJson ? "application/json" : "text/plain" });
    res.end(isJson ? JSON.stringify(reply.json) : reply.text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The tests' "now": 2026-11-23T12:00:00Z. */
export const NOW = Date.parse("2026-11-23T12:00:00.000Z");

export const gpuBox: HostSummary = {
  id: "gpu-1",
  hostname: "gpu-1.lan",
  labels: { rack: "a", env: "prod" },
  agentVersion: "0.1.0",
  bootId: "6f1c2d3e-0000-4000-8000-000000000001",
  firstSeen: NOW - 2 * 86_400_000,
  lastSeen: NOW - 4000,
  pushIntervalMs: 10_000,
  status: "up",
  lastSequence: 42,
};

export const nasBox: HostSummary = {
  id: "nas",
  hostname: "nas.lan",
  labels: {},
  agentVersion: "0.0.9",
  bootId: "6f1c2d3e-0000-4000-8000-000000000002",
  firstSeen: NOW - 10 * 86_400_000,
  lastSeen: NOW - 5 * 60_000,
  pushIntervalMs: 10_000,
  status: "down",
  lastSequence: 7,
};

export const hostList: HostList = { hosts: [nasBox, gpuBox] };

export const gpuLatest: HostLatest = {
  host: gpuBox,
  samples: [
    { name: "disk_used_bytes", labels: { mount: "/data" }, timestamp: NOW - 4000, value: 5_000_000_000 },
    { name: "cpu_usage_ratio", labels: {}, timestamp: NOW - 4000, value: 0.25 },
    { name: "disk_used_bytes", labels: { mount: "/" }, timestamp: NOW - 4000, value: 1_200_000_000 },
  ],
  states: [{ name: "zfs_pool_health", labels: { pool: "tank" }, timestamp: NOW - 4000, state: "ONLINE" }],
};

const at = NOW - 4000;
const entity = (id: string, o: Partial<ViewEntity>): ViewEntity => ({
  id,
  labels: {},
  updatedAt: at,
  values: {},
  states: {},
  details: [],
  ...o,
});
const v = (value: number) => ({ value, timestamp: at });
const s = (state: string) => ({ state, timestamp: at });
const view = (path: string, collector: string, entityLabel: string, entities: ViewEntity[]): HostView => ({
  host: gpuBox,
  view: path,
  collector,
  entityLabel,
  entities,
  hostWide: [],
});

/** gpu-1's typed views, as hub/query/views-routes.ts answers them: two GPUs, two pools, a unit, a probe, no containers. */
export const gpuViews: Record<string, HostView> = {
  gpus: view("gpus", "gpu", "gpu", [
    entity("0", {
      labels: { uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" },
      values: {
        temperatureCelsius: v(64),
        utilizationPercent: v(97),
        memoryUsedBytes: v(21_474_836_480),
        memoryTotalBytes: v(25_757_220_864),
        powerDrawWatts: v(312.4),
        powerLimitWatts: v(450),
        fanSpeedPercent: v(41),
        processes: v(1),
      },
    }),
    // A GPU whose fan reading is [N/A]: no sample, shown as "-".
    entity("1", {
      labels: { uuid: "GPU-11aa", name: "NVIDIA RTX A4000" },
      values: { temperatureCelsius: v(48), utilizationPercent: v(0) },
    }),
  ]),
  pools: view("pools", "zfs", "pool", [
    entity("nvme-fast", {
      values: {
        poolSizeBytes: v(1_992_864_825_344),
        poolAllocatedBytes: v(1_706_033_971_200),
        poolCapacityPercent: v(86),
        poolFragmentationPercent: v(12),
        poolDataErrors: v(0),
      },
      states: { poolHealth: s("DEGRADED"), poolScanState: s("resilver_in_progress") },
    }),
    entity("sata-bulk", { values: { poolCapacityPercent: v(41) }, states: { poolHealth: s("ONLINE") } }),
  ]),
  containers: view("containers", "containers", "name", []),
  units: view("units", "units", "unit", [
    entity("postgresql.service", {
      values: { restartsTotal: v(3) },
      states: { activeState: s("failed"), subState: s("failed"), result: s("exit-code") },
    }),
  ]),
  probes: view("probes", "probes", "probe", [
    entity("ollama-gpu", {
      labels: { kind: "ollama" },
      values: { up: v(0), durationSeconds: v(0.042) },
      states: { status: s("missing_model"), message: s("model llama3.1:70b is not installed") },
    }),
  ]),
};

/** The hub's 404 for an unknown host, as hub/query/hosts-routes.ts writes it. */
export const hostNotFound = {
  error: { code: "HOST_NOT_FOUND", message: 'no host with id "ghost" has reported to this hub', field: "id" },
};

/** The routes of a healthy hub that knows gpu-1 and nas. */
export function healthyRoutes(): Record<string, Reply> {
  return {
    "/api/v1/hosts": { status: 200, json: hostList },
    "/api/v1/hosts/gpu-1": { status: 200, json: gpuBox },
    "/api/v1/hosts/gpu-1/latest": { status: 200, json: gpuLatest },
    "/api/v1/hosts/ghost": { status: 404, json: hostNotFound },
    "/api/v1/hosts/ghost/latest": { status: 404, json: hostNotFound },
    ...Object.fromEntries(Object.entries(gpuViews).map(([path, body]) => [`/api/v1/hosts/gpu-1/${path}`, { status: 200, json: body }])),
    ...Object.fromEntries(Object.keys(gpuViews).map((path) => [`/api/v1/hosts/ghost/${path}`, { status: 404, json: hostNotFound }])),
  };
}
