import { afterEach, describe, expect, it } from "vitest";
import { alertFingerprint } from "../../../hub/rules/fingerprint.ts";
import { CONTAINERS_CATALOG } from "../../../shared/metrics/containers.ts";
import { GPU_CATALOG } from "../../../shared/metrics/gpu.ts";
import { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import { SYSTEM_CATALOG } from "../../../shared/metrics/system.ts";
import { UNITS_CATALOG } from "../../../shared/metrics/units.ts";
import { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { MIN, type RulesHarness, rulesHarness, T0 } from "./rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});
function harness(yaml = ""): RulesHarness {
  h = rulesHarness(tempDir(), yaml);
  return h;
}

const GPU0 = { gpu: "0", name: "NVIDIA GeForce RTX 4090", uuid: "GPU-5e3c2b1a-0000-1111-2222-333344445555" };
const gpuTemp = (value: number) => ({ samples: [{ name: GPU_CATALOG.series.temperatureCelsius.name, labels: GPU0, value }] });
const pools = (nvme: string, sata: string) => ({
  states: [
    { name: ZFS_CATALOG.states.poolHealth.name, labels: { pool: "nvme-fast" }, state: nvme },
    { name: ZFS_CATALOG.states.poolHealth.name, labels: { pool: "sata-bulk" }, state: sata },
  ],
});

describe("evaluation when a sample arrives", () => {
  it("GPU temperature: pending, fires after `for` (2 min) with hysteresis holding it, resolves below the clear value", () => {
    const t = harness();
    t.push(gpuTemp(85));
    t.at(1);
    t.push(gpuTemp(84));
    t.at(1.5);
    t.push(gpuTemp(82)); // below 83, above the clear value 80: still holds
    expect(t.sink.events).toEqual([]);
    t.at(2);
    t.push(gpuTemp(84));
    expect(t.sink.lines()).toEqual([`firing warning gpu-temperature gpu-box ${JSON.stringify(GPU0)}`]);
    const fired = t.sink.events[0];
    expect(fired).toMatchObject({
      fingerprint: alertFingerprint("gpu-temperature", "gpu-box", GPU0),
      value: 84,
      threshold: 83,
      startsAt: T0 + 2 * MIN,
      endsAt: null,
      annotations: {
        summary: "GPU 0 on gpu-box at 84 °C",
        description: "NVIDIA GeForce RTX 4090 (GPU 0) on gpu-box is at 84 °C, above 83 °C since 2026-09-21T14:13:20Z.",
      },
    });
    t.at(3);
    t.push(gpuTemp(81));
    expect(t.sink.events).toHaveLength(1);
    t.at(4);
    t.push(gpuTemp(80));
    expect(t.sink.lines().at(-1)).toBe(`resolved warning gpu-temperature gpu-box ${JSON.stringify(GPU0)}`);
    expect(t.sink.events[1]).toMatchObject({ startsAt: T0 + 2 * MIN, endsAt: T0 + 4 * MIN, value: 80 });
    expect(t.sink.submitted.every((s) => s.source === "rules")).toBe(true);
    const history = t.alerts().history({ limit: 10 }).reverse();
    expect(history.map((e) => `${e.from}->${e.to} ${e.reason} ${e.notification ?? "-"}`)).toEqual([
      "inactive->pending pending -",
      "pending->firing fired firing",
      "firing->resolved resolved resolved",
    ]);
  });

  it("a ZFS pool not ONLINE fires at once, for that pool only, and resolves when it is ONLINE again", () => {
    const t = harness();
    t.push(pools("ONLINE", "ONLINE"));
    t.at(1);
    t.push(pools("ONLINE", "DEGRADED"));
    expect(t.sink.lines()).toEqual(['firing critical pool-not-online gpu-box {"pool":"sata-bulk"}']);
    expect(t.sink.events[0]?.annotations.summary).toBe("ZFS pool sata-bulk on gpu-box is DEGRADED");
    const listed = t.alerts().list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ state: "firing", observedState: "DEGRADED", value: null, threshold: null, hostId: "gpu-box" });
    t.at(2);
    t.push(pools("ONLINE", "ONLINE"));
    expect(t.sink.lines().at(-1)).toBe('resolved critical pool-not-online gpu-box {"pool":"sata-bulk"}');
  });

  it("only the rules a batch touches run, and an alert that never was leaves no row", () => {
    const t = harness();
    const samples = Array.from({ length: 500 }, (_, i) => ({
      name: SYSTEM_CATALOG.series.networkReceiveBytesPerSecond.name,
      labels: { device: `veth${i}` },
      value: 1e9,
    }));
    t.push({ samples: [...samples, { name: SYSTEM_CATALOG.series.memoryUsedPercent.name, value: 41 }] });
    expect(t.engine.index.forSeries(SYSTEM_CATALOG.series.networkReceiveBytesPerSecond.name)).toBeUndefined();
    expect(t.engine.index.forSeries(SYSTEM_CATALOG.series.memoryUsedPercent.name)?.map((r) => r.name)).toEqual(["memory-usage"]);
    expect(t.engine.alerts.size).toBe(0);
    expect(t.store.db.prepare("SELECT count(*) FROM alerts").pluck().get()).toBe(0);
  });

  it("CPU: only the whole-host series counts, sustained for 10 minutes, and escalates to critical after 10 more above 85", () => {
    const t = harness();
    const cpu = (total: number, core: number) => ({
      samples: [
        { name: SYSTEM_CATALOG.series.cpuUsagePercent.name, labels: { cpu: "total" }, value: total },
        { name: SYSTEM_CATALOG.series.cpuUsagePercent.name, labels: { cpu: "3" }, value: core },
      ],
    });
    for (let m = 0; m <= 10; m++) {
      t.at(m);
      t.push(cpu(75, 100));
    }
    expect(t.sink.lines()).toEqual(['firing warning cpu-usage gpu-box {"cpu":"total"}']);
    for (let m = 11; m <= 21; m++) {
      t.at(m);
      t.push(cpu(92, 100));
    }
    expect(t.sink.lines()).toEqual([
      'firing warning cpu-usage gpu-box {"cpu":"total"}',
      'firing critical cpu-usage gpu-box {"cpu":"total"}',
    ]);
    expect(t.sink.events[1]).toMatchObject({ threshold: 85, startsAt: T0 + 10 * MIN });
  });

  it("takes the newest sample of a series in a batch, ignores a late older one, and does not evaluate a backlog older than 15 minutes", () => {
    const t = harness("rules:\n  - { name: load, series: vigil_load1, condition: '>', critical: 8 }");
    t.push({ samples: [{ name: "vigil_load1", value: 20, ageMs: 20 * MIN }] });
    expect(t.sink.events).toEqual([]);
    t.push({
      samples: [
        { name: "vigil_load1", value: 1, ageMs: 0 },
        { name: "vigil_load1", value: 30, ageMs: 10_000 },
      ],
    });
    expect(t.sink.events).toEqual([]);
    t.push({ samples: [{ name: "vigil_load1", value: 9 }] });
    expect(t.sink.lines()).toEqual(["firing critical load gpu-box {}"]);
    t.push({ samples: [{ name: "vigil_load1", value: 0.5, ageMs: 60_000 }] }); // older than what fired it
    expect(t.sink.events).toHaveLength(1);
  });

  it("state rules: unit failed, container unhealthy after 1 min, probe failing after 2 min (stale has its own rule)", () => {
    const t = harness();
    const round = (health: string, probe: string) =>
      t.push({
        states: [
          { name: UNITS_CATALOG.states.activeState.name, labels: { unit: "postgresql.service" }, state: "failed" },
          { name: CONTAINERS_CATALOG.states.health.name, labels: { runtime: "docker", name: "open-webui" }, state: health },
          { name: PROBES_CATALOG.states.status.name, labels: { probe: "ollama-gpu", kind: "ollama" }, state: probe },
          { name: PROBES_CATALOG.states.status.name, labels: { probe: "predictions", kind: "freshness" }, state: "stale" },
        ],
      });
    round("unhealthy", "refused");
    expect(t.sink.lines()).toEqual([
      'firing critical unit-failed gpu-box {"unit":"postgresql.service"}',
      'firing warning freshness-exceeded gpu-box {"kind":"freshness","probe":"predictions"}',
    ]);
    t.at(1);
    round("unhealthy", "timeout");
    t.at(2);
    round("healthy", "timeout");
    expect(t.sink.lines().slice(2)).toEqual([
      'firing warning container-unhealthy gpu-box {"name":"open-webui","runtime":"docker"}',
      'resolved warning container-unhealthy gpu-box {"name":"open-webui","runtime":"docker"}',
      'firing critical probe-failing gpu-box {"kind":"ollama","probe":"ollama-gpu"}',
    ]);
    expect(t.sink.events[4]?.annotations.summary).toBe("Probe ollama-gpu on gpu-box is failing: timeout");
  });

  it("a failing sink fails no ingest: the batch is stored, the error logged, and the transition retried with the next sample", () => {
    const t = harness();
    const submit = t.sink.submit.bind(t.sink);
    t.sink.submit = () => {
      throw new Error("outbox is full");
    };
    t.push(pools("ONLINE", "FAULTED"));
    expect(t.store.latestStates("gpu-box")).toHaveLength(2);
    expect(t.logs.some((l) => l.includes("alert evaluation failed") && l.includes("outbox is full"))).toBe(true);
    expect(t.alerts().list()).toEqual([]);
    t.sink.submit = submit;
    t.at(1);
    t.push(pools("ONLINE", "FAULTED"));
    expect(t.sink.lines()).toEqual(['firing critical pool-not-online gpu-box {"pool":"sata-bulk"}']);
  });
});

describe("alert state across restarts", () => {
  it("a firing alert survives a restart: no second firing, and its resolution carries the original start", () => {
    const t = harness();
    t.push(pools("DEGRADED", "ONLINE"));
    t.restart();
    t.at(5);
    t.push(pools("DEGRADED", "ONLINE"));
    expect(t.sink.lines()).toEqual(['firing critical pool-not-online gpu-box {"pool":"nvme-fast"}']);
    t.at(6);
    t.push(pools("ONLINE", "ONLINE"));
    expect(t.sink.events[1]).toMatchObject({ status: "resolved", startsAt: T0, endsAt: T0 + 6 * MIN });
  });

  it("an alert whose rule was disabled resolves at the next start", () => {
    const t = harness();
    t.push(pools("DEGRADED", "ONLINE"));
    t.at(3);
    t.restart("builtinRules:\n  pool-not-online: false");
    expect(t.sink.lines()).toEqual([
      'firing critical pool-not-online gpu-box {"pool":"nvme-fast"}',
      'resolved critical pool-not-online gpu-box {"pool":"nvme-fast"}',
    ]);
    expect(t.alerts().history({ limit: 1 })[0]).toMatchObject({ reason: "removed", from: "firing", to: "resolved" });
  });
});

describe("the absence timer", () => {
  it("host down after three missed push intervals, resolved by the next batch", () => {
    const t = harness();
    t.push(gpuTemp(40));
    t.clock.now = T0 + 30_000;
    t.tick();
    expect(t.sink.events).toEqual([]);
    t.clock.now = T0 + 31_000;
    t.tick();
    expect(t.sink.lines()).toEqual(["firing critical host-down gpu-box {}"]);
    expect(t.sink.events[0]).toMatchObject({ value: 31, threshold: 30, annotations: { summary: "gpu-box is down" } });
    t.clock.now = T0 + 60_000;
    t.tick();
    expect(t.sink.events).toHaveLength(1);
    t.push(gpuTemp(40));
    expect(t.sink.lines().at(-1)).toBe("resolved critical host-down gpu-box {}");
  });

  it("an active alert whose series is no longer reported resolves after absentAfter (15 min) while its host is up", () => {
    const t = harness();
    const unhealthy = {
      states: [{ name: CONTAINERS_CATALOG.states.health.name, labels: { runtime: "docker", name: "comfyui" }, state: "unhealthy" }],
    };
    t.push(unhealthy);
    t.at(1);
    t.push(unhealthy);
    expect(t.sink.lines()).toEqual(['firing warning container-unhealthy gpu-box {"name":"comfyui","runtime":"docker"}']);
    // The container is removed: the host keeps reporting, without it.
    for (let m = 2; m <= 16; m++) {
      t.at(m);
      t.push(gpuTemp(40));
      t.tick();
    }
    expect(t.sink.events).toHaveLength(1);
    t.at(16.01);
    t.push(gpuTemp(40));
    t.tick();
    expect(t.sink.lines().at(-1)).toBe('resolved warning container-unhealthy gpu-box {"name":"comfyui","runtime":"docker"}');
    expect(t.alerts().history({ limit: 1 })[0]).toMatchObject({ reason: "absent", to: "resolved" });
  });

  it("a down host's alerts are left as they are, not resolved as absent", () => {
    const t = harness("builtinRules:\n  host-down: false");
    t.push(pools("FAULTED", "ONLINE"));
    t.at(30);
    t.tick();
    expect(t.sink.lines()).toEqual(['firing critical pool-not-online gpu-box {"pool":"nvme-fast"}']);
    expect(t.alerts().list()[0]?.state).toBe("firing");
  });
});
