import { describe, expect, it } from "vitest";
import { toCompactSeries } from "../../../hub/mcp/compact/series.ts";
import { toSystemSummary } from "../../../hub/mcp/compact/system.ts";
import { toCompactView } from "../../../hub/mcp/compact/view.ts";
import { defaultStepSeconds } from "../../../hub/mcp/tools/series-history.ts";
import type { HostView } from "../../../shared/api/views.ts";

const HOST = {
  id: "nas",
  hostname: "nas.lan",
  labels: {},
  agentVersion: "0.2.0",
  bootId: "b",
  firstSeen: 1,
  lastSeen: 2,
  pushIntervalMs: 10_000,
  status: "up" as const,
  lastSequence: 3,
};

describe("compact answers", () => {
  it("series: at most 10 series and the newest 120 points each, with stats over what is shown and notes saying so", () => {
    const points = Array.from({ length: 150 }, (_, i) => ({ t: i * 60_000, min: i, max: i + 2, avg: i + 1, last: i + 1.5, count: 6 }));
    const series = Array.from({ length: 12 }, (_, i) => ({
      host: "nas",
      name: "vigil_zfs_pool_capacity_percent",
      labels: { pool: `p${i}` },
      points,
    }));
    const notes: string[] = [];
    const out = toCompactSeries({ resolution: "1m", step: 60_000, from: 0, to: 9_000_000, series }, notes);
    expect(out).toHaveLength(10);
    expect(out[0]?.points).toHaveLength(120);
    expect(out[0]?.points[0]).toEqual([30 * 60_000, 31, 30, 32]);
    expect(out[0]?.stats).toEqual({ min: 30, max: 151, avg: 90.5, last: 150.5, samples: 720 });
    expect(notes[0]).toBe("series: 10 of 12 shown (narrow with host or labels)");
    expect(notes[1]).toBe('nas {"pool":"p0"}: newest 120 of 150 points shown (ask with a larger step)');
  });

  it("series without points have no stats rather than zeros", () => {
    const out = toCompactSeries(
      { resolution: "raw", step: 1000, from: 0, to: 1000, series: [{ host: "a", name: "x", labels: {}, points: [] }] },
      [],
    );
    expect(out[0]).toEqual({ host: "a", labels: {}, stats: null, points: [] });
  });

  it("system summary: figures the agent did not report are absent, never 0; disks fullest first", () => {
    const notes: string[] = [];
    const summary = toSystemSummary(
      [
        { name: "vigil_load1", labels: {}, timestamp: 1, value: 0 },
        { name: "vigil_cpu_usage_percent", labels: { cpu: "0" }, timestamp: 1, value: 99 },
        { name: "vigil_filesystem_used_percent", labels: { mountpoint: "/" }, timestamp: 1, value: 40 },
        { name: "vigil_filesystem_used_percent", labels: { mountpoint: "/srv" }, timestamp: 1, value: 91.5 },
        { name: "vigil_filesystem_avail_bytes", labels: { mountpoint: "/srv" }, timestamp: 1, value: 1_000_000 },
      ],
      notes,
    );
    // A real 0 load is kept; the total CPU, which only core 0 reported, is absent.
    expect(summary).toEqual({
      load1: 0,
      filesystems: [
        { mountpoint: "/srv", usedPercent: 91.5, availBytes: 1_000_000 },
        { mountpoint: "/", usedPercent: 40 },
      ],
    });
    expect(notes).toEqual([]);
  });

  it("views: values and states by key without timestamps; details only when asked, capped", () => {
    const view: HostView = {
      host: HOST,
      view: "pools",
      collector: "zfs",
      entityLabel: "pool",
      entities: [
        {
          id: "tank",
          labels: {},
          updatedAt: 5,
          values: { poolCapacityPercent: { value: 86, timestamp: 5 } },
          states: { poolHealth: { state: "DEGRADED", timestamp: 5 } },
          details: Array.from({ length: 20 }, (_, i) => ({
            key: "vdevState",
            name: "vigil_zfs_vdev_state",
            labels: { vdev: `d${i}` },
            timestamp: 5,
            state: "ONLINE",
          })),
        },
      ],
      hostWide: [{ key: "arcSizeBytes", name: "vigil_zfs_arc_size_bytes", labels: {}, timestamp: 5, value: 1024 }],
    };
    const plain = toCompactView(view, { details: false }, []);
    expect(plain).toEqual({
      entities: [{ id: "tank", labels: {}, updatedAt: 5, values: { poolCapacityPercent: 86 }, states: { poolHealth: "DEGRADED" } }],
      hostWide: [{ key: "arcSizeBytes", labels: {}, value: 1024 }],
    });
    const notes: string[] = [];
    const detailed = toCompactView(view, { details: true }, notes);
    expect(detailed.entities[0]?.details).toHaveLength(16);
    expect(detailed.entities[0]?.details?.[0]).toEqual({ key: "vdevState", labels: { vdev: "d0" }, state: "ONLINE" });
    expect(notes).toEqual(["pools tank details: 16 of 20 shown"]);
  });

  it("default step: the smallest usual step giving at most 120 points", () => {
    expect(defaultStepSeconds(3_600_000)).toBe(30);
    expect(defaultStepSeconds(86_400_000)).toBe(900);
    expect(defaultStepSeconds(7 * 86_400_000)).toBe(7200);
    expect(defaultStepSeconds(365 * 86_400_000)).toBe(4 * 86_400);
  });
});
