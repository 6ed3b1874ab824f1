import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { buildEntityView } from "../../hub/query/entity-view.ts";
import { registerViewsRoutes } from "../../hub/query/views-routes.ts";
import { HOST_VIEWS, type HostViewSpec, hostView } from "../../shared/api/views.ts";
import { defineCatalog } from "../../shared/metrics/catalog.ts";
import { CONTAINERS_CATALOG } from "../../shared/metrics/containers.ts";
import { GPU_CATALOG } from "../../shared/metrics/gpu.ts";
import { PROBES_CATALOG } from "../../shared/metrics/probes.ts";
import { UNITS_CATALOG } from "../../shared/metrics/units.ts";
import { ZFS_CATALOG } from "../../shared/metrics/zfs.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { json, makeTestHub } from "./registry-helpers.ts";

const tempDir = useTempDirs();
const TS = 1_790_000_000_000;
const view = (path: string) => HOST_VIEWS.find((v) => v.path === path) as HostViewSpec;
const s = (name: string, labels: Record<string, string>, value: number, timestamp = TS): NumericSample => ({
  name,
  labels,
  value,
  timestamp,
});
const st = (name: string, labels: Record<string, string>, state: string, timestamp = TS): StateRecord => ({
  name,
  labels,
  state,
  timestamp,
});

const G = GPU_CATALOG.series;
const gpu = (n: string) => ({ gpu: n, uuid: `GPU-${n}aa`, name: "NVIDIA GeForce RTX 4090" });

describe("buildEntityView", () => {
  it("gpus: one entity per gpu label, attributes uuid and name, clocks and processes as details", () => {
    const samples = [
      s(G.temperatureCelsius.name, gpu("10"), 55),
      s(G.temperatureCelsius.name, gpu("0"), 64),
      s(G.memoryUsedBytes.name, gpu("0"), 20_000_000_000, TS + 5),
      s(G.clockHertz.name, { ...gpu("0"), clock: "sm" }, 2_520_000_000),
      s(G.clockHertz.name, { ...gpu("0"), clock: "memory" }, 10_501_000_000),
      s(G.processUsedMemoryBytes.name, { gpu: "0", uuid: "GPU-0aa", pid: "4242", process: "ollama" }, 19_000_000_000),
      s("vigil_load1", {}, 0.5),
    ];
    const states = [st(GPU_CATALOG.states.driverVersion.name, gpu("0"), "550.54.14")];
    const v = buildEntityView(view("gpus"), GPU_CATALOG, samples, states);
    expect(v.hostWide).toEqual([]);
    expect(v.entities.map((e) => e.id)).toEqual(["0", "10"]);
    expect(v.entities[0]).toEqual({
      id: "0",
      labels: { uuid: "GPU-0aa", name: "NVIDIA GeForce RTX 4090" },
      updatedAt: TS + 5,
      values: {
        temperatureCelsius: { value: 64, timestamp: TS },
        memoryUsedBytes: { value: 20_000_000_000, timestamp: TS + 5 },
      },
      states: { driverVersion: { state: "550.54.14", timestamp: TS } },
      details: [
        { key: "clockHertz", name: G.clockHertz.name, labels: { clock: "memory" }, timestamp: TS, value: 10_501_000_000 },
        { key: "clockHertz", name: G.clockHertz.name, labels: { clock: "sm" }, timestamp: TS, value: 2_520_000_000 },
        {
          key: "processUsedMemoryBytes",
          name: G.processUsedMemoryBytes.name,
          labels: { pid: "4242", process: "ollama" },
          timestamp: TS,
          value: 19_000_000_000,
        },
      ],
    });
  });

  it("pools: health and capacity on the pool, vdevs and datasets as details, the ARC host-wide", () => {
    const Z = ZFS_CATALOG;
    const v = buildEntityView(
      view("pools"),
      Z,
      [
        s(Z.series.poolCapacityPercent.name, { pool: "sata-bulk" }, 91),
        s(Z.series.poolCapacityPercent.name, { pool: "nvme-fast" }, 42),
        s(Z.series.vdevChecksumErrors.name, { pool: "nvme-fast", vdev: "nvme1n1", section: "config", parent: "mirror-0" }, 3),
        s(Z.series.datasetUsedBytes.name, { pool: "nvme-fast", dataset: "nvme-fast/models" }, 1e12),
        s(Z.series.arcSizeBytes.name, {}, 3.2e10),
      ],
      [st(Z.states.poolHealth.name, { pool: "nvme-fast" }, "DEGRADED")],
    );
    expect(v.entities.map((e) => [e.id, e.values.poolCapacityPercent?.value, e.states.poolHealth?.state])).toEqual([
      ["nvme-fast", 42, "DEGRADED"],
      ["sata-bulk", 91, undefined],
    ]);
    expect(v.entities[0]?.details.map((d) => [d.key, d.labels, d.value])).toEqual([
      ["datasetUsedBytes", { dataset: "nvme-fast/models" }, 1e12],
      ["vdevChecksumErrors", { vdev: "nvme1n1", section: "config", parent: "mirror-0" }, 3],
    ]);
    expect(v.hostWide).toEqual([{ key: "arcSizeBytes", name: Z.series.arcSizeBytes.name, labels: {}, timestamp: TS, value: 3.2e10 }]);
  });

  it("containers: id and image from the info series become the container's labels", () => {
    const C = CONTAINERS_CATALOG;
    const labels = { runtime: "docker", name: "ollama" };
    const v = buildEntityView(
      view("containers"),
      C,
      [
        s(C.series.info.name, { ...labels, id: "3f2a9c1b7d40", image: "ollama/ollama:0.5.7" }, 1),
        s(C.series.restartsTotal.name, labels, 2),
        s(C.series.runtimeUp.name, { runtime: "docker" }, 1),
      ],
      [st(C.states.state.name, labels, "running"), st(C.states.health.name, labels, "unhealthy")],
    );
    expect(v.entities).toEqual([
      {
        id: "ollama",
        labels: { runtime: "docker", id: "3f2a9c1b7d40", image: "ollama/ollama:0.5.7" },
        updatedAt: TS,
        values: { info: { value: 1, timestamp: TS }, restartsTotal: { value: 2, timestamp: TS } },
        states: { state: { state: "running", timestamp: TS }, health: { state: "unhealthy", timestamp: TS } },
        details: [],
      },
    ]);
    expect(v.hostWide.map((d) => d.key)).toEqual(["runtimeUp"]);
  });

  it("units and probes: states by key, a probe's kind as a label, its models as details", () => {
    const U = UNITS_CATALOG;
    const units = buildEntityView(
      view("units"),
      U,
      [s(U.series.restartsTotal.name, { unit: "postgresql.service" }, 0), s(U.series.failedUnits.name, {}, 1)],
      [
        st(U.states.activeState.name, { unit: "postgresql.service" }, "failed"),
        st(U.states.activeState.name, { unit: "ollama.service" }, "active"),
      ],
    );
    expect(units.entities.map((e) => [e.id, e.states.activeState?.state])).toEqual([
      ["ollama.service", "active"],
      ["postgresql.service", "failed"],
    ]);
    expect(units.hostWide.map((d) => [d.key, d.value])).toEqual([["failedUnits", 1]]);

    const P = PROBES_CATALOG;
    const probes = buildEntityView(
      view("probes"),
      P,
      [
        s(P.series.up.name, { probe: "ollama-gpu", kind: "ollama" }, 0),
        s(P.series.ollamaModelPresent.name, { probe: "ollama-gpu", model: "llama3.1:8b" }, 1),
        s(P.series.ollamaModelPresent.name, { probe: "ollama-gpu", model: "qwen2.5:32b" }, 0),
      ],
      [st(P.states.status.name, { probe: "ollama-gpu", kind: "ollama" }, "missing_model")],
    );
    expect(probes.entities[0]).toMatchObject({
      id: "ollama-gpu",
      labels: { kind: "ollama" },
      values: { up: { value: 0 } },
      states: { status: { state: "missing_model" } },
    });
    expect(probes.entities[0]?.details.map((d) => [d.labels.model, d.value])).toEqual([
      ["llama3.1:8b", 1],
      ["qwen2.5:32b", 0],
    ]);
  });

  it("works for any catalog (a new collector is a catalog and one view line), and is empty without one", () => {
    const DISKS = defineCatalog({
      collector: "smart",
      series: { tempCelsius: { name: "vigil_smart_temperature_celsius", type: "gauge", help: "t", labels: ["disk", "model"] } },
      states: { health: { name: "vigil_smart_health", help: "h", labels: ["disk"] } },
    });
    const spec = { entityLabel: "disk", attributes: ["model"] };
    const v = buildEntityView(
      spec,
      DISKS,
      [s("vigil_smart_temperature_celsius", { disk: "sda", model: "WD Red" }, 38)],
      [st("vigil_smart_health", { disk: "sda" }, "PASSED")],
    );
    expect(v.entities).toEqual([
      {
        id: "sda",
        labels: { model: "WD Red" },
        updatedAt: TS,
        values: { tempCelsius: { value: 38, timestamp: TS } },
        states: { health: { state: "PASSED", timestamp: TS } },
        details: [],
      },
    ]);
    expect(buildEntityView(spec, undefined, [s("vigil_smart_temperature_celsius", { disk: "sda" }, 1)], [])).toEqual({
      entities: [],
      hostWide: [],
    });
  });
});

describe("GET /api/v1/hosts/:id/<view>", () => {
  it("answers each view of the shared list, typed by shared/api/views.ts", async () => {
    const hub = makeTestHub(tempDir());
    await hub.push({
      agentId: "gpu-1",
      samples: [s(G.temperatureCelsius.name, gpu("0"), 64), s(G.utilizationPercent.name, gpu("0"), 97)],
      states: [st(ZFS_CATALOG.states.poolHealth.name, { pool: "nvme-fast" }, "ONLINE")],
    });
    const gpus = hostView.parse(await json(await hub.request("/api/v1/hosts/gpu-1/gpus")));
    expect(gpus).toMatchObject({ view: "gpus", collector: "gpu", entityLabel: "gpu", host: { id: "gpu-1", status: "up" } });
    expect(gpus.entities.map((e) => [e.id, e.values.temperatureCelsius?.value, e.values.utilizationPercent?.value])).toEqual([
      ["0", 64, 97],
    ]);
    const pools = hostView.parse(await json(await hub.request("/api/v1/hosts/gpu-1/pools")));
    expect(pools.entities.map((e) => [e.id, e.states.poolHealth?.state])).toEqual([["nvme-fast", "ONLINE"]]);
    for (const path of ["units", "probes", "containers"]) {
      const res = await hub.request(`/api/v1/hosts/gpu-1/${path}`);
      expect(res.status, path).toBe(200);
      expect(hostView.parse(await json(res)).entities).toEqual([]);
    }
    const missing = await hub.request("/api/v1/hosts/ghost/gpus");
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error: { code: "HOST_NOT_FOUND", field: "id" } });
  });

  it("serves a view whose collector has no catalog yet, with no entities", async () => {
    const app = new Hono();
    const host = {
      id: "a",
      hostname: "a",
      labels: {},
      agentVersion: "1",
      bootId: "b",
      firstSeen: 1,
      lastSeen: 1,
      pushIntervalMs: 1,
      status: "up" as const,
      lastSequence: 0,
    };
    registerViewsRoutes(app, {
      registry: { list: () => [host], get: (id) => (id === "a" ? host : undefined) },
      latest: { latestSamples: () => [s("vigil_x", { thing: "1" }, 1)], latestStates: () => [] },
      now: () => 0,
      views: [{ path: "things", title: "Things", collector: "not-yet", entityLabel: "thing", attributes: [] }],
      catalogs: [],
    });
    const body = hostView.parse(await (await app.request("/api/v1/hosts/a/things")).json());
    expect(body).toMatchObject({ view: "things", collector: "not-yet", entities: [], hostWide: [] });
  });
});
