import type { CollectContext, CollectOutcome, Collector } from "../collector.ts";
import { arcHitRatio, type ArcReadings, arcReadings } from "./arc.ts";
import type { ZfsCollectorConfig } from "./config.ts";
import { createZfsSource, ZFS_COMMANDS, ZFS_LIST_COLUMNS, ZfsUnavailableError, ZPOOL_LIST_COLUMNS, type ZfsSource } from "./exec.ts";
import { parseNamedKstat, parsePoolStateFile } from "./parse-kstat.ts";
import { parseZfsList } from "./parse-zfs-list.ts";
import { parseZpoolList } from "./parse-zpool-list.ts";
import { parseZpoolStatus } from "./parse-zpool-status.ts";
import { isExcludedDataset, ZfsObservationBuilder } from "./samples.ts";
import { SnapshotLister } from "./snapshot-listing.ts";

export interface ZfsCollectorSeams {
  /** Where commands run and kstats are read; default the real host, as the config says. */
  source?: ZfsSource;
  /** Wall clock for the snapshot interval, milliseconds; default Date.now. */
  now?: () => number;
}

/**
 * ZFS pools (health, space, scans, the vdev tree with its error counters, the errors: line), datasets,
 * snapshots and the ARC. Each cycle runs `zpool status -p`, `zpool list -Hp` and `zfs list -Hp` side by
 * side and reads arcstats; the snapshot listing runs beside the cycles on its own interval (see
 * SnapshotLister). Unavailable when zpool is missing or ZFS cannot be used (no module, no /dev/zfs).
 */
export function createZfsCollector(config: ZfsCollectorConfig, seams: ZfsCollectorSeams = {}): Collector {
  const source = seams.source ?? createZfsSource(config);
  const run = { timeoutMs: config.timeout };
  const snapshots = config.snapshots.enabled
    ? new SnapshotLister({ source, intervalMs: config.snapshots.interval, timeoutMs: config.snapshots.timeout, now: seams.now })
    : undefined;
  let previousArc: ArcReadings | undefined;

  return {
    name: "zfs",
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      const snapshotFailure = snapshots?.takeNewFailure();
      if (snapshotFailure !== undefined) {
        throw new Error(
          `the snapshot listing failed (said once; retried every ${config.snapshots.interval / 1000} s, pools are collected as usual next cycle): ${snapshotFailure}`,
        );
      }
      const results = await Promise.allSettled([
        source.run("zpool", ZFS_COMMANDS.zpoolStatus(config.listErrorFiles), run),
        source.run("zpool", ZFS_COMMANDS.zpoolList, run),
        config.datasets ? source.run("zfs", ZFS_COMMANDS.zfsList, run) : Promise.resolve(""),
        source.readKstat("arcstats", ctx.signal),
      ]);
      const unavailable = results.find((r) => r.status === "rejected" && r.reason instanceof ZfsUnavailableError);
      if (unavailable?.status === "rejected") return { kind: "unavailable", reason: (unavailable.reason as Error).message };
      const [statusResult, listResult, zfsResult, arcResult] = results;
      if (statusResult?.status === "rejected") throw await withKstatStates(source, statusResult.reason, ctx.signal);
      for (const r of results) if (r.status === "rejected") throw r.reason;
      const [statusText, listText, zfsText, arcText] = [statusResult, listResult, zfsResult, arcResult].map((r) =>
        r?.status === "fulfilled" ? r.value : undefined,
      );

      const pools = parseZpoolStatus(statusText ?? "");
      const usage = parseZpoolList(listText ?? "", ZPOOL_LIST_COLUMNS);
      const datasets = parseZfsList(zfsText ?? "", ZFS_LIST_COLUMNS).filter((d) => !isExcludedDataset(d.name, config.excludeDatasets));
      const arc = arcText === undefined ? undefined : arcReadings(parseNamedKstat(arcText, source.kstatPath("arcstats")));

      const out = new ZfsObservationBuilder(ctx.now);
      for (const pool of usage) out.poolUsage(pool);
      for (const pool of pools) out.poolStatus(pool);
      for (const dataset of datasets) out.dataset(dataset);
      const listing = snapshots?.latest();
      if (listing !== undefined) {
        const names = config.datasets
          ? datasets.map((d) => d.name)
          : [...listing.summaries.keys()].filter((name) => !isExcludedDataset(name, config.excludeDatasets));
        out.snapshots(names, listing);
      }
      if (arc !== undefined) out.arc(arc, previousArc === undefined ? undefined : arcHitRatio(previousArc, arc));
      previousArc = arc;
      snapshots?.refreshIfDue();
      return { kind: "ok", samples: out.samples, states: out.states };
    },
  };
}

/**
 * A failed `zpool status` with what the kernel itself says about each pool that is not ONLINE: when a
 * pool is suspended, zpool can hang while /proc/spl/kstat/zfs/<pool>/state still answers.
 */
async function withKstatStates(source: ZfsSource, err: unknown, signal: AbortSignal): Promise<unknown> {
  if (!(err instanceof Error)) return err;
  const states = await source.readPoolStateFiles(signal).catch(() => new Map<string, string>());
  const notOnline = [...states]
    .map(([pool, text]) => [pool, parsePoolStateFile(text)] as const)
    .filter(([, state]) => state !== undefined && state !== "ONLINE")
    .map(([pool, state]) => `${pool} ${state}`);
  if (notOnline.length === 0) return err;
  err.message = `${err.message}; ${source.kstatPath("")} says: ${notOnline.join(", ")}`;
  return err;
}
