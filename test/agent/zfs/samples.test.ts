import { describe, expect, it } from "vitest";
import { parseZpoolStatus } from "../../../agent/collectors/zfs/parse-zpool-status.ts";
import { isExcludedDataset, reportedScan, ZfsObservationBuilder } from "../../../agent/collectors/zfs/samples.ts";
import { checkObservations } from "../../../agent/collectors/check-observations.ts";
import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";
import { localSeconds, zpoolStatusFixture } from "./zfs-fixtures.ts";

const T0 = 1_767_225_600_000;
const M = seriesNames(ZFS_CATALOG);

function observe(file: string) {
  const out = new ZfsObservationBuilder(T0);
  for (const pool of parseZpoolStatus(zpoolStatusFixture(file))) out.poolStatus(pool);
  const value = (name: string, pool: string) =>
    out.samples.find((s) => s.name === name && s.labels.pool === pool && !("vdev" in s.labels))?.value;
  const state = (name: string, pool: string) =>
    out.states.find((s) => s.name === name && s.labels.pool === pool && !("vdev" in s.labels))?.state;
  return { out, value, state };
}

describe("ZfsObservationBuilder", () => {
  it("reports a finished scrub that found 1 error, and the pool's data errors, for the scrub-errors alert", () => {
    const { value, state } = observe("zpool-status-online-1-data-error-permission-denied.txt");
    expect(state("vigil_zfs_pool_health", "jeremy")).toBe("ONLINE");
    expect(state("vigil_zfs_pool_scan_state", "jeremy")).toBe("scrub_finished");
    expect(value(M.poolScanErrors, "jeremy")).toBe(1);
    expect(value(M.poolScanRepairedBytes, "jeremy")).toBe(0);
    expect(value(M.poolScanDurationSeconds, "jeremy")).toBe(14 * 3600 + 7 * 60);
    expect(value(M.poolScanEndTimestampSeconds, "jeremy")).toBe(localSeconds(2024, 2, 4, 20, 54, 25));
    expect(value(M.poolDataErrors, "jeremy")).toBe(1);
    expect(value(M.poolScanProgressPercent, "jeremy")).toBeUndefined();
  });

  it("reports a canceled scrub without an end time, a pool never scanned as 'none', and no data-error sample without an errors: line", () => {
    expect(observe("zpool-status-scrub-canceled-features-notice.txt").state("vigil_zfs_pool_scan_state", "neptune")).toBe("scrub_canceled");
    expect(observe("zpool-status-scrub-canceled-features-notice.txt").value(M.poolScanEndTimestampSeconds, "neptune")).toBeUndefined();
    expect(observe("zpool-status-new-pool-no-scan-line.txt").state("vigil_zfs_pool_scan_state", "milton")).toBe("none");
    const unavail = observe("zpool-status-2pools-degraded-resilvered-and-unavail-insufficient-replicas.txt");
    expect(unavail.state("vigil_zfs_pool_health", "zpool")).toBe("UNAVAIL");
    expect(unavail.value(M.poolDataErrors, "zpool")).toBeUndefined();
    expect(unavail.value(M.poolScanRepairedBytes, "rpool")).toBe(Math.round(1.41 * 1024 ** 2));
  });

  it("emits no counters for spares, and only names from the catalog, all accepted by the wire schema", () => {
    const { out } = observe("zpool-status-degraded-spare-faulted-cksum-spares-avail.txt");
    const spare = { pool: "test", vdev: "pci-0000:00:0d.0-scsi-10:0:0:0", section: "spares", parent: "test" };
    expect(out.states.find((s) => s.name === "vigil_zfs_vdev_state" && s.labels.vdev === spare.vdev)?.labels).toEqual(spare);
    expect(out.samples.filter((s) => s.labels.vdev === spare.vdev)).toEqual([]);
    const names = new Set([...Object.values(M), ...Object.values(ZFS_CATALOG.states).map((s) => s.name)]);
    expect([...out.samples, ...out.states].filter((o) => !names.has(o.name))).toEqual([]);
    expect(checkObservations(out).dropped).toEqual([]);
  });
});

describe("reportedScan", () => {
  it("prefers a running scan, then the one that ended last", () => {
    const scrub = { function: "scrub" as const, phase: "finished" as const, endTimestamp: 200 };
    const rebuild = { function: "resilver" as const, phase: "finished" as const, endTimestamp: 300, vdev: "mirror-0" };
    const running = { function: "resilver" as const, phase: "in_progress" as const };
    expect(reportedScan([scrub, rebuild])).toBe(rebuild);
    expect(reportedScan([scrub, running])).toBe(running);
    expect(reportedScan([])).toBeUndefined();
  });
});

describe("isExcludedDataset", () => {
  it("matches whole path components", () => {
    expect(isExcludedDataset("nvme-fast/docker", ["nvme-fast/docker"])).toBe(true);
    expect(isExcludedDataset("nvme-fast/docker/4f1a", ["nvme-fast/docker/"])).toBe(true);
    expect(isExcludedDataset("nvme-fast/dockerish", ["nvme-fast/docker"])).toBe(false);
  });
});
