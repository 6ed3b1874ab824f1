import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { ArcReadings } from "./arc.ts";
import type { ScanStatus } from "./parse-scan.ts";
import type { DatasetUsage } from "./parse-zfs-list.ts";
import type { PoolUsage } from "./parse-zpool-list.ts";
import type { PoolStatus } from "./parse-zpool-status.ts";
import type { SnapshotListing } from "./snapshot-listing.ts";

const M = seriesNames(ZFS_CATALOG);
const S = ZFS_CATALOG.states;

/** At most this many files with permanent errors are reported per pool (the count is always reported). */
export const MAX_ERROR_FILES_PER_POOL = 20;

/** Builds one cycle's samples and states, all stamped with the cycle's time. */
export class ZfsObservationBuilder {
  readonly samples: NumericSample[] = [];
  readonly states: StateRecord[] = [];
  readonly #timestamp: number;

  constructor(timestamp: number) {
    this.#timestamp = timestamp;
  }

  /** Adds a sample; a missing or non-finite value adds nothing (never a stand-in 0). */
  add(name: string, value: number | undefined, labels: Record<string, string> = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.samples.push({ name, labels, timestamp: this.#timestamp, value });
  }

  state(name: string, state: string | undefined, labels: Record<string, string>): void {
    if (state === undefined || state === "") return;
    this.states.push({ name, labels, timestamp: this.#timestamp, state });
  }

  poolUsage(usage: PoolUsage): void {
    const labels = { pool: usage.name };
    this.add(M.poolSizeBytes, usage.sizeBytes, labels);
    this.add(M.poolAllocatedBytes, usage.allocatedBytes, labels);
    this.add(M.poolFreeBytes, usage.freeBytes, labels);
    this.add(M.poolCapacityPercent, usage.capacityPercent, labels);
    this.add(M.poolFragmentationPercent, usage.fragmentationPercent, labels);
    this.add(M.poolDedupRatio, usage.dedupRatio, labels);
  }

  /** Health, the errors: line, the scan and every row of the vdev tree. */
  poolStatus(pool: PoolStatus): void {
    const labels = { pool: pool.name };
    this.state(S.poolHealth.name, pool.state, labels);
    this.add(M.poolDataErrors, pool.dataErrors, labels);
    for (const path of pool.errorFiles.slice(0, MAX_ERROR_FILES_PER_POOL)) {
      this.state(S.poolDataErrorFile.name, "permanent", { pool: pool.name, path });
    }
    this.scan(pool.name, reportedScan(pool.scans));
    for (const row of pool.vdevs) {
      const vdev = { pool: pool.name, vdev: row.name, section: row.section, parent: row.parent ?? "" };
      this.state(S.vdevState.name, row.state, vdev);
      this.add(M.vdevReadErrors, row.readErrors, vdev);
      this.add(M.vdevWriteErrors, row.writeErrors, vdev);
      this.add(M.vdevChecksumErrors, row.checksumErrors, vdev);
    }
  }

  scan(pool: string, scan: ScanStatus | undefined): void {
    const labels = { pool };
    if (scan === undefined) {
      this.state(S.poolScanState.name, "none", labels);
      return;
    }
    const running = scan.phase === "in_progress" || scan.phase === "paused";
    const state = scan.function === undefined ? scan.phase : `${scan.function}_${scan.phase}`;
    this.state(S.poolScanState.name, state, labels);
    this.add(M.poolScanRepairedBytes, scan.repairedBytes, labels);
    if (running) {
      this.add(M.poolScanProgressPercent, scan.progressPercent, labels);
      this.add(M.poolScanRemainingSeconds, scan.remainingSeconds, labels);
      this.add(M.poolScanStartTimestampSeconds, scan.startTimestamp, labels);
    }
    if (scan.phase === "finished") {
      this.add(M.poolScanEndTimestampSeconds, scan.endTimestamp, labels);
      this.add(M.poolScanDurationSeconds, scan.durationSeconds, labels);
      this.add(M.poolScanErrors, scan.errors, labels);
    }
  }

  dataset(dataset: DatasetUsage): void {
    const labels = { pool: dataset.pool, dataset: dataset.name };
    this.add(M.datasetUsedBytes, dataset.usedBytes, labels);
    this.add(M.datasetAvailableBytes, dataset.availableBytes, labels);
    this.add(M.datasetSnapshotsUsedBytes, dataset.snapshotsUsedBytes, labels);
    this.add(M.datasetCompressRatio, dataset.compressRatio, labels);
  }

  /**
   * Snapshot count and newest age of each dataset named, from the last listing (a dataset the listing
   * has no snapshot of counts 0 and has no age), and how old that listing is.
   */
  snapshots(datasets: readonly string[], listing: SnapshotListing): void {
    const now = this.#timestamp / 1000;
    for (const name of datasets) {
      const labels = { pool: name.split("/", 1)[0] ?? name, dataset: name };
      const summary = listing.summaries.get(name);
      this.add(M.datasetSnapshotCount, summary?.count ?? 0, labels);
      if (summary !== undefined) this.add(M.datasetNewestSnapshotAgeSeconds, Math.max(0, now - summary.newestCreation), labels);
    }
    this.add(M.snapshotListingAgeSeconds, Math.max(0, (this.#timestamp - listing.listedAt) / 1000));
    this.add(M.snapshotListingDurationSeconds, listing.durationMs / 1000);
  }

  arc(readings: ArcReadings, hitRatio: number | undefined): void {
    this.add(M.arcSizeBytes, readings.sizeBytes);
    this.add(M.arcTargetSizeBytes, readings.targetSizeBytes);
    this.add(M.arcMaxSizeBytes, readings.maxSizeBytes);
    this.add(M.arcHitsTotal, readings.hits);
    this.add(M.arcMissesTotal, readings.misses);
    this.add(M.arcHitRatio, hitRatio);
  }
}

/**
 * The scan to report when zpool prints more than one (a scrub and a sequential resilver): one running,
 * else the one that ended last, else the first.
 */
export function reportedScan(scans: readonly ScanStatus[]): ScanStatus | undefined {
  const running = scans.find((s) => s.phase === "in_progress" || s.phase === "paused");
  if (running !== undefined) return running;
  const ended = scans.filter((s) => s.endTimestamp !== undefined).sort((a, b) => (b.endTimestamp ?? 0) - (a.endTimestamp ?? 0));
  return ended[0] ?? scans[0];
}

/** True when `dataset` is one of `excluded` or below one (whole path components). */
export function isExcludedDataset(dataset: string, excluded: readonly string[]): boolean {
  return excluded.some((prefix) => dataset === prefix || dataset.startsWith(`${prefix.replace(/\/+$/, "")}/`));
}
