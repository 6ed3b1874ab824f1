import { defineCatalog } from "./catalog.ts";

const POOL = ["pool"] as const;
const VDEV = ["pool", "vdev", "section", "parent"] as const;
const DATASET = ["pool", "dataset"] as const;

/**
 * What the ZFS collector emits: pools (from `zpool list -Hp` and `zpool status -p`), their vdev trees,
 * datasets (`zfs list -Hp`), snapshots, and the ARC (Linux /proc/spl/kstat/zfs/arcstats).
 * The alerting-relevant ones are `vigil_zfs_pool_health` (not ONLINE), `vigil_zfs_pool_capacity_percent`
 * (85/95 %), and `vigil_zfs_pool_scan_errors`, `vigil_zfs_pool_scan_repaired_bytes`, `vigil_zfs_pool_data_errors`.
 */
export const ZFS_CATALOG = defineCatalog({
  collector: "zfs",
  series: {
    poolSizeBytes: { name: "vigil_zfs_pool_size_bytes", type: "gauge", help: "Pool size (zpool list SIZE).", labels: POOL },
    poolAllocatedBytes: {
      name: "vigil_zfs_pool_allocated_bytes",
      type: "gauge",
      help: "Space allocated in the pool (zpool list ALLOC).",
      labels: POOL,
    },
    poolFreeBytes: { name: "vigil_zfs_pool_free_bytes", type: "gauge", help: "Unallocated space (zpool list FREE).", labels: POOL },
    poolCapacityPercent: {
      name: "vigil_zfs_pool_capacity_percent",
      type: "gauge",
      help: "Share of the pool allocated, as zpool list CAP reports it (whole percent). Alert at 85 and 95.",
      labels: POOL,
    },
    poolFragmentationPercent: {
      name: "vigil_zfs_pool_fragmentation_percent",
      type: "gauge",
      help: "Free-space fragmentation (zpool list FRAG).",
      labels: POOL,
    },
    poolDedupRatio: { name: "vigil_zfs_pool_dedup_ratio", type: "gauge", help: "Deduplication ratio (1 = none).", labels: POOL },
    poolDataErrors: {
      name: "vigil_zfs_pool_data_errors",
      type: "gauge",
      help: "Data errors in the pool's error log (the errors: line of zpool status; files listed with -v). 0 = no known data errors.",
      labels: POOL,
    },
    poolScanProgressPercent: {
      name: "vigil_zfs_pool_scan_progress_percent",
      type: "gauge",
      help: "How far the running scrub or resilver is.",
      labels: POOL,
    },
    poolScanRemainingSeconds: {
      name: "vigil_zfs_pool_scan_remaining_seconds",
      type: "gauge",
      help: "zpool's estimate of the time left for the running scrub or resilver; absent when it gives none.",
      labels: POOL,
    },
    poolScanStartTimestampSeconds: {
      name: "vigil_zfs_pool_scan_start_timestamp_seconds",
      type: "gauge",
      help: "When the running scrub or resilver started (Unix time).",
      labels: POOL,
    },
    poolScanEndTimestampSeconds: {
      name: "vigil_zfs_pool_scan_end_timestamp_seconds",
      type: "gauge",
      help: "When the last scrub or resilver completed (Unix time); see vigil_zfs_pool_scan_state for which.",
      labels: POOL,
    },
    poolScanDurationSeconds: {
      name: "vigil_zfs_pool_scan_duration_seconds",
      type: "gauge",
      help: "How long the last completed scrub or resilver took.",
      labels: POOL,
    },
    poolScanRepairedBytes: {
      name: "vigil_zfs_pool_scan_repaired_bytes",
      type: "gauge",
      help: "Bytes repaired by the last or running scrub, or resilvered by the last or running resilver (zpool prints it rounded, e.g. 1.41M).",
      labels: POOL,
    },
    poolScanErrors: {
      name: "vigil_zfs_pool_scan_errors",
      type: "gauge",
      help: "Errors found by the last completed scrub or resilver (its 'with N errors').",
      labels: POOL,
    },
    vdevReadErrors: {
      name: "vigil_zfs_vdev_read_errors",
      type: "gauge",
      help: "READ errors of a vdev since the pool was imported or last cleared (zpool clear).",
      labels: VDEV,
    },
    vdevWriteErrors: {
      name: "vigil_zfs_vdev_write_errors",
      type: "gauge",
      help: "WRITE errors of a vdev since the pool was imported or last cleared.",
      labels: VDEV,
    },
    vdevChecksumErrors: {
      name: "vigil_zfs_vdev_checksum_errors",
      type: "gauge",
      help: "CKSUM errors of a vdev since the pool was imported or last cleared.",
      labels: VDEV,
    },
    datasetUsedBytes: {
      name: "vigil_zfs_dataset_used_bytes",
      type: "gauge",
      help: "Space used by a filesystem or volume and its descendants (zfs used).",
      labels: DATASET,
    },
    datasetAvailableBytes: {
      name: "vigil_zfs_dataset_available_bytes",
      type: "gauge",
      help: "Space available to the dataset (zfs avail).",
      labels: DATASET,
    },
    datasetSnapshotsUsedBytes: {
      name: "vigil_zfs_dataset_snapshots_used_bytes",
      type: "gauge",
      help: "Space held only by the dataset's snapshots (zfs usedbysnapshots).",
      labels: DATASET,
    },
    datasetCompressRatio: {
      name: "vigil_zfs_dataset_compress_ratio",
      type: "gauge",
      help: "Compression ratio achieved (zfs compressratio; 1 = none).",
      labels: DATASET,
    },
    datasetSnapshotCount: {
      name: "vigil_zfs_dataset_snapshot_count",
      type: "gauge",
      help: "Snapshots of the dataset, from the last snapshot listing.",
      labels: DATASET,
    },
    datasetNewestSnapshotAgeSeconds: {
      name: "vigil_zfs_dataset_newest_snapshot_age_seconds",
      type: "gauge",
      help: "Age of the dataset's newest snapshot; absent when it has none.",
      labels: DATASET,
    },
    snapshotListingAgeSeconds: {
      name: "vigil_zfs_snapshot_listing_age_seconds",
      type: "gauge",
      help: "How old the snapshot listing behind the snapshot series is; it grows while listings fail.",
      labels: [],
    },
    snapshotListingDurationSeconds: {
      name: "vigil_zfs_snapshot_listing_duration_seconds",
      type: "gauge",
      help: "How long the last successful `zfs list -t snapshot` took.",
      labels: [],
    },
    arcSizeBytes: { name: "vigil_zfs_arc_size_bytes", type: "gauge", help: "ARC size (arcstats size).", labels: [] },
    arcTargetSizeBytes: {
      name: "vigil_zfs_arc_target_size_bytes",
      type: "gauge",
      help: "Size the ARC is aiming for (arcstats c).",
      labels: [],
    },
    arcMaxSizeBytes: {
      name: "vigil_zfs_arc_max_size_bytes",
      type: "gauge",
      help: "Largest the ARC may grow (arcstats c_max).",
      labels: [],
    },
    arcHitsTotal: { name: "vigil_zfs_arc_hits_total", type: "counter", help: "ARC hits since the module was loaded.", labels: [] },
    arcMissesTotal: { name: "vigil_zfs_arc_misses_total", type: "counter", help: "ARC misses since the module was loaded.", labels: [] },
    arcHitRatio: {
      name: "vigil_zfs_arc_hit_ratio",
      type: "gauge",
      help: "Share of ARC accesses that hit, over the last cycle (0..1); hits on in-flight reads (iohits) count as accesses, not hits.",
      labels: [],
    },
  },
  states: {
    poolHealth: {
      name: "vigil_zfs_pool_health",
      help: "Pool state from zpool status (anything but ONLINE deserves attention).",
      labels: POOL,
      values: ["ONLINE", "DEGRADED", "FAULTED", "OFFLINE", "UNAVAIL", "REMOVED", "SUSPENDED"],
    },
    poolScanState: {
      name: "vigil_zfs_pool_scan_state",
      help: "The scan zpool status reports: what (scrub, resilver) and where it is.",
      labels: POOL,
      values: [
        "none",
        "scrub_in_progress",
        "scrub_paused",
        "scrub_finished",
        "scrub_canceled",
        "resilver_in_progress",
        "resilver_finished",
        "resilver_canceled",
        "unrecognized",
      ],
    },
    vdevState: {
      name: "vigil_zfs_vdev_state",
      help: "State of one row of the vdev tree (spares: AVAIL, INUSE).",
      labels: VDEV,
      values: ["ONLINE", "DEGRADED", "FAULTED", "OFFLINE", "UNAVAIL", "REMOVED", "AVAIL", "INUSE"],
    },
    poolDataErrorFile: {
      name: "vigil_zfs_pool_data_error_file",
      help: "A file with a permanent error (zpool status -v; only with collectors.zfs.listErrorFiles).",
      labels: ["pool", "path"],
      values: ["permanent"],
    },
  },
});
