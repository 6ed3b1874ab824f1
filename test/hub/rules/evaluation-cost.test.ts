import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type Observations, type RulesHarness, rulesHarness } from "./rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

/**
 * One push of a well-equipped AI box: 32 cores, 12 filesystems, 4 GPUs with 20 series each, 2 pools,
 * 30 containers, 20 units, 6 probes, 250 veth interfaces (392 samples and 88 states), the GPU temperature of GPU 0
 * crossing its threshold every 20th push so transitions (and their writes) are part of the cost.
 */
function box(i: number): Observations {
  const samples: NonNullable<Observations["samples"]> = [];
  const states: NonNullable<Observations["states"]> = [];
  for (let c = 0; c < 32; c++) samples.push({ name: "vigil_cpu_usage_percent", labels: { cpu: String(c) }, value: 50 + (c % 40) });
  samples.push({ name: "vigil_cpu_usage_percent", labels: { cpu: "total" }, value: 55 }, { name: "vigil_memory_used_percent", value: 61 });
  for (let f = 0; f < 12; f++) {
    const labels = { mountpoint: `/srv/d${f}`, device: `/dev/sd${f}`, fstype: f < 6 ? "ext4" : "zfs" };
    samples.push(
      { name: "vigil_filesystem_used_percent", labels, value: 40 + f },
      { name: "vigil_filesystem_avail_bytes", labels, value: 1e12 },
    );
  }
  for (let g = 0; g < 4; g++) {
    const labels = { gpu: String(g), uuid: `GPU-${g}`, name: "NVIDIA H100 80GB HBM3" };
    const hot = g === 0 && Math.floor(i / 20) % 2 === 1;
    samples.push({ name: "vigil_gpu_temperature_celsius", labels, value: hot ? 91 : 60 });
    samples.push({ name: "vigil_gpu_ecc_errors_uncorrected_volatile_total", labels, value: 0 });
    for (let k = 0; k < 18; k++) samples.push({ name: `vigil_gpu_other_${k}`, labels, value: k });
  }
  for (const pool of ["nvme-fast", "sata-bulk"]) {
    samples.push(
      { name: "vigil_zfs_pool_capacity_percent", labels: { pool }, value: 70 },
      { name: "vigil_zfs_pool_scan_errors", labels: { pool }, value: 0 },
    );
    states.push({ name: "vigil_zfs_pool_health", labels: { pool }, state: "ONLINE" });
  }
  for (let c = 0; c < 30; c++) {
    states.push({ name: "vigil_container_health", labels: { runtime: "docker", name: `svc-${c}` }, state: "healthy" });
    states.push({ name: "vigil_container_state", labels: { runtime: "docker", name: `svc-${c}` }, state: "running" });
  }
  for (let u = 0; u < 20; u++) states.push({ name: "vigil_unit_active_state", labels: { unit: `unit-${u}.service` }, state: "active" });
  for (let p = 0; p < 6; p++) states.push({ name: "vigil_probe_status", labels: { probe: `probe-${p}`, kind: "http" }, state: "ok" });
  for (let n = 0; n < 250; n++) samples.push({ name: "vigil_network_receive_bytes_per_second", labels: { device: `veth${n}` }, value: n });
  return { samples, states };
}

describe("evaluation cost", () => {
  it("evaluating a full batch on arrival stays far below the 250 ms budget of the whole path (p99 under 50 ms here)", () => {
    const t = rulesHarness(tempDir(), "builtinRules:\n  gpu-temperature: { for: 0s }");
    h = t;
    const batches = Array.from({ length: 200 }, (_, i) => box(i));
    const durations: number[] = [];
    batches.forEach((o, i) => {
      t.clock.now += 10_000;
      const started = performance.now();
      t.push(o);
      durations.push(performance.now() - started);
      if (i === 0) durations.pop(); // the first batch creates every series row
    });
    // The GPU crossed its threshold 5 times and came back 4 times: transitions were part of what was measured.
    expect(t.sink.lines().filter((l) => l.includes("gpu-temperature"))).toHaveLength(9);
    const engineOnly: number[] = [];
    for (let i = 0; i < 200; i++) {
      t.clock.now += 10_000;
      const batch = box(i);
      const started = performance.now();
      t.engine.onBatch(
        {
          host: { agentId: "gpu-box", hostname: "gpu-box.lan", labels: {}, agentVersion: "0.1.0", bootId: "b" },
          sequence: i + 1,
          sealedAt: t.clock.now,
          pushIntervalMs: 10_000,
          samples: batch.samples?.map((s) => ({ name: s.name, labels: s.labels ?? {}, timestamp: t.clock.now, value: s.value })) ?? [],
          states: batch.states?.map((s) => ({ name: s.name, labels: s.labels ?? {}, timestamp: t.clock.now, state: s.state })) ?? [],
        },
        t.clock.now,
      );
      engineOnly.push(performance.now() - started);
    }
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
    const figures = {
      storeAndEvaluateP50: p(durations, 0.5).toFixed(2),
      storeAndEvaluateP99: p(durations, 0.99).toFixed(2),
      evaluateP50: p(engineOnly, 0.5).toFixed(2),
      evaluateP99: p(engineOnly, 0.99).toFixed(2),
    };
    console.info(
      `evaluation cost (ms, ${batches[0]?.samples?.length} samples + ${batches[0]?.states?.length} states per batch): ${JSON.stringify(figures)}`,
    );
    expect(p(engineOnly, 0.99)).toBeLessThan(50);
  });
});
