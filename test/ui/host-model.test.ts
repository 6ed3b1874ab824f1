import { describe, expect, it } from "vitest";
import { containerTable, gpuTable, poolSummary, unitTable } from "../../hub/ui/model/host-tables.ts";
import { summarizeHost, worstFirst } from "../../hub/ui/model/host-overview.ts";
import { buildVdevTree, flattenVdevTree, hasVdevErrors } from "../../hub/ui/model/vdev-tree.ts";
import type { AlertView } from "../../hub/rules/alerts-api.ts";
import { CPU_BOX, GPU_BOX, NAS } from "../../scripts/demo-hosts.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { collectDemoHost, hostSummary, T0, viewOf } from "./support/demo-observations.ts";

const tempDir = useTempDirs();

function firing(hostId: string, rule: string, severity: "critical" | "warning"): AlertView {
  return {
    fingerprint: `${hostId}-${rule}`,
    rule,
    state: "firing",
    severity,
    hostId,
    labels: {},
    value: null,
    threshold: null,
    observedState: null,
    pendingSince: T0,
    firingSince: T0,
    resolvedAt: null,
    lastNotifiedAt: null,
    observedAt: T0,
    annotations: {},
    mutedBy: null,
  };
}

describe("the overview's host summary, from the demo hosts' recorded outputs through the agent's own collectors", () => {
  it("gpu-box: the H100's figures, both pools with health and capacity, the nerdctl container, 3 of 11 units failed", async () => {
    const { samples, states } = await collectDemoHost(GPU_BOX, tempDir());
    const row = summarizeHost(hostSummary("gpu-box"), samples, states, []);
    expect(row.demo).toBe(true);
    expect(row.gpus).toHaveLength(1);
    expect(row.gpus[0]).toMatchObject({ id: "0", name: "NVIDIA H100 80GB HBM3", temperature: 59, utilization: 100 });
    // memory.used 19818 MiB of memory.total 81559 MiB in the capture.
    expect(row.gpus[0]?.memoryPercent).toBeCloseTo((19818 / 81559) * 100, 9);
    expect(row.pools).toEqual([
      { name: "pool0", health: "ONLINE", capacity: 12 },
      { name: "pool1", health: "ONLINE", capacity: 54 },
    ]);
    expect(row.containers).toEqual({ total: 1, unhealthy: 0, restarting: 0, stopped: 0, running: 1 });
    expect(row.units).toEqual({ total: 11, failed: 3, active: 4 });
    expect(row.problems).toEqual(["3 units failed"]);
    // Read from this machine's /proc: memory is there at once; CPU needs a second cycle (a rate), so it is N/A, not 0.
    expect(row.memoryPercent).toBeGreaterThan(0);
    expect(row.cpuPercent).toBeUndefined();
    expect(row.disk?.mountpoint).toBeTypeOf("string");
  });

  it("cpu-box: no GPU is no GPU (not a GPU at 0), no pool, no container", async () => {
    const { samples, states } = await collectDemoHost(CPU_BOX, tempDir());
    const row = summarizeHost(hostSummary("cpu-box"), samples, states, []);
    expect(row.gpus).toEqual([]);
    expect(row.pools).toEqual([]);
    expect(row.containers.total).toBe(0);
    expect(row.units).toEqual({ total: 1, failed: 0, active: 1 });
    expect(row.problems).toEqual([]);
  });

  it("sorts worst first: a down host, then by critical and warning alerts and problems; ties by id", async () => {
    const nas = await collectDemoHost(NAS, tempDir());
    const nasRow = summarizeHost(hostSummary("nas"), nas.samples, nas.states, [firing("nas", "pool-not-online", "critical")]);
    expect(nasRow.pools).toEqual([{ name: "sata-bulk", health: "DEGRADED", capacity: 54 }]);
    expect(nasRow.problems).toEqual(["pool sata-bulk is DEGRADED"]);
    expect(nasRow.alerts).toEqual({ critical: 1, warning: 0, info: 0 });

    const quiet = summarizeHost(hostSummary("a-quiet-box"), [], [], []);
    const warned = summarizeHost(hostSummary("b-warned"), [], [], [firing("b-warned", "cpu-usage", "warning")]);
    const down = summarizeHost(hostSummary("z-down", { status: "down" }), [], [], []);
    expect(down.problems).toEqual(["not reporting"]);
    expect(worstFirst([quiet, warned, nasRow, down]).map((r) => r.id)).toEqual(["z-down", "nas", "b-warned", "a-quiet-box"]);
    // A host with nothing to show still has N/A figures, never zeros.
    expect([quiet.cpuPercent, quiet.memoryPercent, quiet.disk]).toEqual([undefined, undefined, undefined]);
  });
});

describe("the host page's tables and the vdev tree", () => {
  it("rebuilds the degraded raidz1 of the nas as zpool printed it, with the failing disk's counters", async () => {
    const host = hostSummary("nas");
    const { samples, states } = await collectDemoHost(NAS, tempDir());
    const [pool] = viewOf("pools", host, samples, states).entities;
    if (!pool) throw new Error("no pool in the view");
    const tree = buildVdevTree(pool);
    const rows = flattenVdevTree(tree).map(({ node, depth }) => [depth, node.name, node.state, node.read, node.write, node.checksum]);
    expect(rows).toEqual([
      [0, "sata-bulk", "DEGRADED", 0, 0, 0],
      [1, "raidz1-0", "DEGRADED", 0, 0, 0],
      [2, "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX1", "ONLINE", 0, 0, 0],
      [2, "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX3", "ONLINE", 0, 0, 0],
      [2, "replacing-1", "DEGRADED", 0, 0, 0],
      [3, "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX2", "FAULTED", 12, 340, 0],
      [3, "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX4", "ONLINE", 0, 0, 0],
    ]);
    expect(hasVdevErrors(tree)).toBe(true);
    const summary = poolSummary(pool);
    expect(summary.health).toEqual({ text: "DEGRADED", tone: "warn" });
    expect(summary.scan).toEqual({ text: "resilver in progress 22.6 %", tone: "warn" });
    expect(summary.facts).toContain("capacity 54 %");
  });

  it("draws the gpu-box's GPU, container and units as the page shows them: failed units first, N/A for what is missing", async () => {
    const host = hostSummary("gpu-box");
    const { samples, states } = await collectDemoHost(GPU_BOX, tempDir());
    const gpus = gpuTable(viewOf("gpus", host, samples, states).entities);
    expect(gpus.rows.map((r) => r.map((c) => c.text))).toEqual([
      ["0", "NVIDIA H100 80GB HBM3", "59 °C", "100 %", "19.4 GiB of 79.6 GiB", "632 W of 700 W", "3"],
    ]);
    const containers = containerTable(viewOf("containers", host, samples, states).entities, T0);
    expect(containers.rows.map((r) => r.slice(0, 5).map((c) => c.text))).toEqual([
      ["lab-nature-localnet-nyxdab", "nerdctl", "docker.io/library/localnet-nyxd:v0.60.1", "running", "no healthcheck"],
    ]);
    const units = unitTable(viewOf("units", host, samples, states).entities);
    expect(units.rows.slice(0, 3).map((r) => [r[0]?.text, r[1]])).toEqual([
      ["gpu-exporter.service", { text: "failed", tone: "bad" }],
      ["model-sync.service", { text: "failed", tone: "bad" }],
      ["vllm.service", { text: "failed", tone: "bad" }],
    ]);
    expect(units.rows).toHaveLength(11);
    // ollama-rocm.service is not-found: systemd reports no unit file state, which stays N/A.
    expect(units.rows.find((r) => r[0]?.text === "ollama-rocm.service")?.[3]?.text).toBe("N/A");
  });
});
