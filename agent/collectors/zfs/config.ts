import { z } from "zod";
import { duration } from "../../../shared/config/schema-helpers.ts";

const executable = z.string().min(1, { error: "expected the name or path of an executable" });

/** `collectors.zfs.snapshots`: the snapshot listing, which can be slow on hosts with many thousands of snapshots. */
const snapshots = z.strictObject({
  /** Count snapshots per dataset and report the newest one's age (`zfs list -t snapshot`). */
  enabled: z.boolean().default(true),
  /** How often the listing runs; it runs beside the pool cycles, never inside one, and its counts are kept in between. */
  interval: duration({ min: "1m" }).default(900_000),
  /** The listing is killed after this long (and tried again one interval later). */
  timeout: duration({ min: "1s" }).default(120_000),
});

/** `collectors.zfs`: pools, vdevs, scans, datasets, snapshots and the ARC. */
export const zfsCollectorSchema = z.strictObject({
  /** On by default: a host without ZFS reports the collector unavailable once. */
  enabled: z.boolean().default(true),
  interval: duration({ min: "5s" }).default(30_000),
  /** Each cycle's zpool and zfs commands are killed after this long. */
  timeout: duration({ min: "1s" }).default(20_000),
  /** The zpool executable: a bare name is looked up on PATH. */
  zpoolPath: executable.default("zpool"),
  /** The zfs executable: a bare name is looked up on PATH. */
  zfsPath: executable.default("zfs"),
  /** Where the Linux SPL kstats are (arcstats, <pool>/state); absent on FreeBSD and illumos, which is fine. */
  kstatDir: z.string().min(1).default("/proc/spl/kstat/zfs"),
  /** Report datasets (`zfs list -t filesystem,volume`). */
  datasets: z.boolean().default(true),
  /**
   * Datasets left out, with everything below them, e.g. `nvme-fast/docker` where a container runtime makes
   * one dataset per layer. Whole path components: `tank/vm` excludes `tank/vm/a`, not `tank/vms`.
   */
  excludeDatasets: z.array(z.string().min(1)).default([]),
  snapshots: snapshots.prefault({}),
  /**
   * Run `zpool status -v` and report each file with a permanent error (at most 20 per pool) as a state.
   * Off by default: the list needs root and resolving it can be slow on a badly damaged pool; the count is reported either way.
   */
  listErrorFiles: z.boolean().default(false),
});

export type ZfsCollectorConfig = z.infer<typeof zfsCollectorSchema>;
