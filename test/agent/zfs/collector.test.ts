import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { zfsCollectorSchema } from "../../../agent/collectors/zfs/config.ts";
import { createZfsCollector } from "../../../agent/collectors/zfs/index.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import { type FakeCase, writeFakeBin } from "../../support/fake-bin.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { localSeconds, ZFS_FIXTURES_DIR, zfsFixture } from "./zfs-fixtures.ts";

const tempDir = useTempDirs();
const T0 = 1_740_900_000_000;

const STATUS_FILE = `${ZFS_FIXTURES_DIR}zpool-status-resilver-in-progress-replacing-hand-made.txt`;
const LIST_FILE = `${ZFS_FIXTURES_DIR}zpool-list-H-o-name-health-size-alloc-free-frag-cap-dedup-freenas-4pools.txt`;
const SNAPSHOTS_FILE = `${ZFS_FIXTURES_DIR}zfs-list-Hp-snapshots-name-used-creation.txt`;
/** Hand-made for these runner tests (the parser's real samples lack compressratio): name used avail usedsnap compressratio. */
const ZFS_LIST =
  "zpool\t4096000\t1000000\t0\t1.00\nzpool/vol/0\t2048000\t1000000\t128\t1.73\nzpool/vol1\t1024000\t1000000\t256\t2.10\nzpool/docker/abc\t100\t1000000\t0\t1.00\n";

/** A sh case pattern matching exactly these arguments (the fake's patterns are sh patterns, where a space must be quoted). */
const exactly = (args: string) => `'${args}'`;

const STATUS_CASE: FakeCase = { args: exactly("status -p"), stdoutFile: STATUS_FILE };
const LIST_CASE: FakeCase = {
  args: exactly("list -Hp -o name,health,size,alloc,free,fragmentation,capacity,dedupratio"),
  stdoutFile: LIST_FILE,
};
const ZFS_CASES: FakeCase[] = [
  { args: exactly("list -Hp -t filesystem,volume -o name,used,avail,usedsnap,compressratio"), stdout: ZFS_LIST },
  { args: exactly("list -Hp -t snapshot -o name,used,creation"), stdoutFile: SNAPSHOTS_FILE },
];

/** A bin folder with fake zpool and zfs printing the fixtures, and an empty kstat folder. */
function fakeHost(zpool: FakeCase[] = [STATUS_CASE, LIST_CASE], zfs: FakeCase[] = ZFS_CASES) {
  const bin = tempDir();
  const kstatDir = join(tempDir(), "kstat");
  writeFakeBin(bin, "zpool", zpool);
  writeFakeBin(bin, "zfs", zfs);
  const calls = (tool: string) =>
    readFileSync(join(bin, `${tool}.calls`), "utf8")
      .trim()
      .split("\n");
  return { bin, kstatDir, calls };
}

function config(bin: string, kstatDir: string, overrides: Record<string, unknown> = {}) {
  return zfsCollectorSchema.parse({ zpoolPath: join(bin, "zpool"), zfsPath: join(bin, "zfs"), kstatDir, timeout: "10s", ...overrides });
}

async function collect(collector: ReturnType<typeof createZfsCollector>, now = T0): Promise<CollectOutcome> {
  return collector.collect({ now, signal: new AbortController().signal });
}

async function ok(collector: ReturnType<typeof createZfsCollector>, now = T0) {
  const outcome = await collect(collector, now);
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
const values = (samples: NumericSample[]) => Object.fromEntries(samples.map((s) => [key(s.name, s.labels), s.value]));
const states = (records: StateRecord[]) => Object.fromEntries(records.map((s) => [key(s.name, s.labels), s.state]));

describe("the zfs collector", () => {
  it("reports pools, scans, vdevs and datasets from the configured executables, running exactly the documented commands", async () => {
    const { bin, kstatDir, calls } = fakeHost();
    const outcome = await ok(
      createZfsCollector(config(bin, kstatDir, { snapshots: { enabled: false }, excludeDatasets: ["zpool/docker"] })),
    );
    const v = values(outcome.samples);
    const s = states(outcome.states);

    expect(s['vigil_zfs_pool_health{pool="sata-bulk"}']).toBe("DEGRADED");
    expect(s['vigil_zfs_pool_scan_state{pool="sata-bulk"}']).toBe("resilver_in_progress");
    expect(v['vigil_zfs_pool_scan_progress_percent{pool="sata-bulk"}']).toBe(22.56);
    expect(v['vigil_zfs_pool_scan_remaining_seconds{pool="sata-bulk"}']).toBe(10_022);
    expect(v['vigil_zfs_pool_scan_start_timestamp_seconds{pool="sata-bulk"}']).toBe(localSeconds(2025, 3, 2, 1, 10, 44));
    expect(v['vigil_zfs_pool_scan_repaired_bytes{pool="sata-bulk"}']).toBe(560 * 1024 ** 3);
    expect(v['vigil_zfs_pool_data_errors{pool="sata-bulk"}']).toBe(0);
    // A running scan has no end, duration or error count yet: absent, not 0.
    expect(v['vigil_zfs_pool_scan_errors{pool="sata-bulk"}']).toBeUndefined();
    expect(v['vigil_zfs_pool_scan_end_timestamp_seconds{pool="sata-bulk"}']).toBeUndefined();

    const failing = { pool: "sata-bulk", vdev: "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX2", section: "data", parent: "replacing-1" };
    expect(s[key("vigil_zfs_vdev_state", failing)]).toBe("FAULTED");
    expect(v[key("vigil_zfs_vdev_read_errors", failing)]).toBe(12);
    expect(v[key("vigil_zfs_vdev_write_errors", failing)]).toBe(340);
    expect(v[key("vigil_zfs_vdev_checksum_errors", failing)]).toBe(0);
    expect(s[key("vigil_zfs_vdev_state", { pool: "sata-bulk", vdev: "sata-bulk", section: "pool", parent: "" })]).toBe("DEGRADED");
    expect(outcome.states.filter((r) => r.name === "vigil_zfs_vdev_state")).toHaveLength(7);

    expect(v['vigil_zfs_pool_capacity_percent{pool="temp1"}']).toBe(54);
    expect(v['vigil_zfs_pool_size_bytes{pool="red1"}']).toBe(8_933_531_975_680);
    expect(v['vigil_zfs_pool_dedup_ratio{pool="red1"}']).toBe(1.83);
    expect(v['vigil_zfs_pool_fragmentation_percent{pool="freenas-boot"}']).toBeUndefined();

    expect(v['vigil_zfs_dataset_compress_ratio{pool="zpool",dataset="zpool/vol/0"}']).toBe(1.73);
    expect(v['vigil_zfs_dataset_snapshots_used_bytes{pool="zpool",dataset="zpool/vol1"}']).toBe(256);
    expect(Object.keys(v).filter((k) => k.includes("zpool/docker"))).toEqual([]);
    expect(outcome.samples.every((x) => x.timestamp === T0)).toBe(true);

    expect(calls("zpool").sort()).toEqual(["list -Hp -o name,health,size,alloc,free,fragmentation,capacity,dedupratio", "status -p"]);
    expect(calls("zfs")).toEqual(["list -Hp -t filesystem,volume -o name,used,avail,usedsnap,compressratio"]);
  });

  describe("with PATH changed", () => {
    const savedPath = process.env.PATH;
    afterEach(() => {
      process.env.PATH = savedPath;
    });

    it("finds zpool and zfs on PATH by default", async () => {
      const { bin, kstatDir } = fakeHost();
      process.env.PATH = `${bin}${delimiter}${savedPath ?? ""}`;
      const outcome = await ok(createZfsCollector(zfsCollectorSchema.parse({ kstatDir, snapshots: { enabled: false } })));
      expect(states(outcome.states)['vigil_zfs_pool_health{pool="sata-bulk"}']).toBe("DEGRADED");
    });
  });

  it("is unavailable, naming the executable, when zpool is missing", async () => {
    const dir = tempDir();
    const outcome = await collect(createZfsCollector(config(dir, join(dir, "kstat"))));
    expect(outcome).toEqual({ kind: "unavailable", reason: `${join(dir, "zpool")}: not found (is it installed and on PATH?)` });
  });

  it("is unavailable when the ZFS kernel module is not loaded", async () => {
    const message = "The ZFS modules are not loaded.\nTry running '/sbin/modprobe zfs' as root to load them.";
    const { bin, kstatDir } = fakeHost([{ stderr: message, exitCode: 1 }], [{ stderr: message, exitCode: 1 }]);
    const outcome = await collect(createZfsCollector(config(bin, kstatDir)));
    expect(outcome).toEqual({ kind: "unavailable", reason: `${join(bin, "zpool")} status -p: The ZFS modules are not loaded.` });
  });

  it("kills a hung zpool at the timeout, says which command, adds what the kernel says of the pools, and the next cycle works", async () => {
    const { bin, kstatDir } = fakeHost([{ args: exactly("status -p"), sleepSeconds: 30 }, LIST_CASE]);
    mkdirSync(join(kstatDir, "sata-bulk"), { recursive: true });
    writeFileSync(join(kstatDir, "sata-bulk", "state"), zfsFixture("kstat-pool-state-suspended.txt"));
    mkdirSync(join(kstatDir, "nvme-fast"), { recursive: true });
    writeFileSync(join(kstatDir, "nvme-fast", "state"), zfsFixture("kstat-pool-state-online.txt"));
    const collector = createZfsCollector(config(bin, kstatDir, { timeout: "1s", snapshots: { enabled: false } }));
    const started = performance.now();
    await expect(collect(collector)).rejects.toThrow(
      new RegExp(`zpool status -p: killed after 1000 ms \\(timeout\\); ${kstatDir}/? says: sata-bulk SUSPENDED$`),
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    writeFakeBin(bin, "zpool", [STATUS_CASE, LIST_CASE]);
    expect(states((await ok(collector)).states)['vigil_zfs_pool_health{pool="sata-bulk"}']).toBe("DEGRADED");
  });

  it("fails the cycle on garbage, naming the command and what was wrong, and the next cycle works", async () => {
    const { bin, kstatDir } = fakeHost([{ args: exactly("status -p"), stdout: "Segmentation fault\n" }, LIST_CASE]);
    const collector = createZfsCollector(config(bin, kstatDir, { snapshots: { enabled: false } }));
    await expect(collect(collector)).rejects.toThrow('zpool status: expected a "pool:" line first, got "Segmentation fault"');
    writeFakeBin(bin, "zpool", [STATUS_CASE, LIST_CASE]);
    expect((await ok(collector)).samples.length).toBeGreaterThan(0);
  });

  it("reads the ARC from arcstats, with a hit ratio from the second cycle on", async () => {
    const { bin, kstatDir } = fakeHost();
    const arcstats = zfsFixture("arcstats-linux-zol-older-node-exporter.txt");
    mkdirSync(kstatDir, { recursive: true });
    writeFileSync(join(kstatDir, "arcstats"), arcstats);
    const collector = createZfsCollector(config(bin, kstatDir, { snapshots: { enabled: false }, datasets: false }));
    const first = values((await ok(collector)).samples);
    expect(first["vigil_zfs_arc_size_bytes{}"]).toBe(1_603_939_792);
    expect(first["vigil_zfs_arc_max_size_bytes{}"]).toBe(8_367_976_448);
    expect(first["vigil_zfs_arc_hits_total{}"]).toBe(8_772_612);
    expect(first["vigil_zfs_arc_hit_ratio{}"]).toBeUndefined();
    // 30 s on: 3000 more hits and 1000 more misses.
    writeFileSync(
      join(kstatDir, "arcstats"),
      arcstats.replace(/^hits(\s+)4(\s+)8772612$/m, "hits$14$28775612").replace(/^misses(\s+)4(\s+)604635$/m, "misses$14$2605635"),
    );
    expect(values((await ok(collector, T0 + 30_000)).samples)["vigil_zfs_arc_hit_ratio{}"]).toBe(0.75);
  });

  it("lists snapshots beside the cycles: counts and newest age once the listing is in, again only after its interval", async () => {
    const { bin, kstatDir, calls } = fakeHost();
    let clock = T0;
    const collector = createZfsCollector(config(bin, kstatDir, { snapshots: { interval: "15m" } }), { now: () => clock });
    const first = await ok(collector);
    expect(first.samples.filter((s) => /snapshot_count|newest_snapshot|snapshot_listing/.test(s.name))).toEqual([]);

    const second = await waitFor("the snapshot listing", async () => {
      const out = await ok(collector, T0 + 30_000);
      return out.samples.some((s) => s.name === "vigil_zfs_dataset_snapshot_count") ? out : undefined;
    });
    const v = values(second.samples);
    expect(v['vigil_zfs_dataset_snapshot_count{pool="zpool",dataset="zpool/vol/0"}']).toBe(2);
    expect(v['vigil_zfs_dataset_snapshot_count{pool="zpool",dataset="zpool/vol1"}']).toBe(2);
    expect(v['vigil_zfs_dataset_snapshot_count{pool="zpool",dataset="zpool"}']).toBe(0);
    expect(v['vigil_zfs_dataset_newest_snapshot_age_seconds{pool="zpool",dataset="zpool/vol1"}']).toBe(
      (T0 + 30_000) / 1000 - 1_685_100_606,
    );
    expect(v['vigil_zfs_dataset_newest_snapshot_age_seconds{pool="zpool",dataset="zpool"}']).toBeUndefined();
    expect(v["vigil_zfs_snapshot_listing_age_seconds{}"]).toBe(30);
    expect(v["vigil_zfs_snapshot_listing_duration_seconds{}"]).toBeGreaterThan(0);

    const listings = () => calls("zfs").filter((c) => c.includes("snapshot")).length;
    clock = T0 + 10 * 60_000;
    await ok(collector, clock);
    expect(listings()).toBe(1);
    clock = T0 + 15 * 60_000;
    await ok(collector, clock);
    await waitFor("the second listing", () => (listings() === 2 ? true : undefined));
  });

  it("says a failed snapshot listing once, as one failed cycle, and keeps collecting pools", async () => {
    const { bin, kstatDir, calls } = fakeHost(undefined, [
      ZFS_CASES[0] as FakeCase,
      { args: `${exactly("list -Hp -t snapshot")}*`, stderr: "out of memory", exitCode: 1 },
    ]);
    let clock = T0;
    const collector = createZfsCollector(config(bin, kstatDir, { snapshots: { interval: "1m" } }), { now: () => clock });
    await ok(collector);
    const failed = await waitFor("the failure to be said", async () => {
      const outcome = await collect(collector).catch((err: unknown) => err);
      return outcome instanceof Error ? outcome : undefined;
    });
    expect(failed.message).toMatch(
      /^the snapshot listing failed \(said once; retried every 60 s.*\): .*zfs list -Hp -t snapshot -o name,used,creation: exited with 1: out of memory$/,
    );
    clock = T0 + 2 * 60_000;
    await ok(collector);
    await waitFor("the second listing", () => (calls("zfs").filter((c) => c.includes("snapshot")).length === 2 ? true : undefined));
    // The same failure again is not said again: the next cycles are ok.
    for (let i = 0; i < 5; i++) {
      expect((await collect(collector)).kind).toBe("ok");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("with listErrorFiles, runs zpool status -p -v and reports each listed file", async () => {
    const { bin, kstatDir, calls } = fakeHost([
      { args: exactly("status -p -v"), stdoutFile: `${ZFS_FIXTURES_DIR}zpool-status-v-unavail-io-failures-permanent-errors-files.txt` },
      LIST_CASE,
    ]);
    const outcome = await ok(
      createZfsCollector(config(bin, kstatDir, { listErrorFiles: true, datasets: false, snapshots: { enabled: false } })),
    );
    expect(outcome.states.filter((r) => r.name === "vigil_zfs_pool_data_error_file").map((r) => [r.labels, r.state])).toEqual([
      [{ pool: "tank", path: "/tank/data/aaa" }, "permanent"],
      [{ pool: "tank", path: "/tank/data/bbb" }, "permanent"],
      [{ pool: "tank", path: "/tank/data/ccc" }, "permanent"],
    ]);
    expect(values(outcome.samples)['vigil_zfs_pool_data_errors{pool="tank"}']).toBe(3);
    expect(calls("zpool")).toContain("status -p -v");
  });
});
