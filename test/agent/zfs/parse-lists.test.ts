import { describe, expect, it } from "vitest";
import { parseSnapshotList } from "../../../agent/collectors/zfs/parse-snapshots.ts";
import { ZfsParseError } from "../../../agent/collectors/zfs/parse-values.ts";
import { parseZfsList } from "../../../agent/collectors/zfs/parse-zfs-list.ts";
import { parseZpoolList } from "../../../agent/collectors/zfs/parse-zpool-list.ts";
import { zfsFixture } from "./zfs-fixtures.ts";

/** The `-o` columns telegraf used for its zpool and zfs samples. */
const TELEGRAF_ZPOOL = ["name", "health", "size", "alloc", "free", "fragmentation", "capacity", "dedupratio"];
const TELEGRAF_ZFS = ["name", "avail", "used", "usedsnap", "usedds"];

describe("parseZpoolList", () => {
  it("reads -Hp output (FreeBSD 14)", () => {
    expect(parseZpoolList(zfsFixture("zpool-list-Hp-o-name-health-size-alloc-free-frag-cap-dedup-freebsd14.txt"), TELEGRAF_ZPOOL)).toEqual([
      {
        name: "zroot",
        health: "ONLINE",
        sizeBytes: 67_108_864_000,
        allocatedBytes: 11_959_578_624,
        freeBytes: 55_149_285_376,
        fragmentationPercent: 4,
        capacityPercent: 17,
        dedupRatio: 1,
      },
    ]);
  });

  it("reads an older zpool's '8%' and '1.83x', and a '-' fragmentation as absent (FreeNAS, 4 pools)", () => {
    const pools = parseZpoolList(
      zfsFixture("zpool-list-H-o-name-health-size-alloc-free-frag-cap-dedup-freenas-4pools.txt"),
      TELEGRAF_ZPOOL,
    );
    expect(pools.map((p) => p.name)).toEqual(["freenas-boot", "red1", "temp1", "temp2"]);
    expect(pools[0]).toEqual({
      name: "freenas-boot",
      health: "ONLINE",
      sizeBytes: 30_601_641_984,
      allocatedBytes: 2_022_177_280,
      freeBytes: 28_579_464_704,
      capacityPercent: 6,
      dedupRatio: 1,
    });
    expect(pools[1]).toMatchObject({ fragmentationPercent: 8, capacityPercent: 12, dedupRatio: 1.83 });
    expect(pools[2]).toMatchObject({ allocatedBytes: 1_626_309_320_704, fragmentationPercent: 38, capacityPercent: 54, dedupRatio: 1.28 });
  });

  it("gives an UNAVAIL pool of dashes its name and health only", () => {
    expect(parseZpoolList(zfsFixture("zpool-list-Hp-unavail-pool-dashes.txt"), TELEGRAF_ZPOOL)).toEqual([
      { name: "temp2", health: "UNAVAIL" },
    ]);
  });

  it("reads `zpool list -p` with its header line, a FAULTED pool of dashes included", () => {
    expect(parseZpoolList(zfsFixture("zpool-list-p-online-and-faulted.txt"), [])).toEqual([
      {
        name: "rpool",
        sizeBytes: 21_367_462_298,
        allocatedBytes: 9_051_643_576,
        freeBytes: 12_240_656_794,
        fragmentationPercent: 33,
        capacityPercent: 42,
        dedupRatio: 1,
        health: "ONLINE",
      },
      { name: "zion", health: "FAULTED" },
    ]);
  });

  it("gives no pools for empty output; refuses a short row or an unreadable value, naming it", () => {
    expect(parseZpoolList("", TELEGRAF_ZPOOL)).toEqual([]);
    expect(() => parseZpoolList("zroot\tONLINE\t1\n", TELEGRAF_ZPOOL)).toThrow(ZfsParseError);
    expect(() => parseZpoolList("zroot\tONLINE\t1\n", TELEGRAF_ZPOOL)).toThrow(/expected 8 fields, got 3 in "zroot\\tONLINE\\t1"/);
    expect(() => parseZpoolList("zroot\tONLINE\tbig\t1\t1\t1\t1\t1\n", TELEGRAF_ZPOOL)).toThrow(/size of pool zroot is "big", not a value/);
  });
});

describe("parseZfsList", () => {
  it("reads datasets with numeric usedsnap (telegraf's 4 datasets)", () => {
    expect(parseZfsList(zfsFixture("zfs-list-Hp-o-name-avail-used-usedsnap-usedds-4datasets.txt"), TELEGRAF_ZFS)).toEqual([
      { name: "zata", pool: "zata", availableBytes: 10_741_741_326_336, usedBytes: 8_564_135_526_400, snapshotsUsedBytes: 0 },
      { name: "zata/home", pool: "zata", availableBytes: 10_741_741_326_336, usedBytes: 2_498_560, snapshotsUsedBytes: 212_992 },
      { name: "zata/import", pool: "zata", availableBytes: 10_741_741_326_336, usedBytes: 196_608, snapshotsUsedBytes: 81_920 },
      {
        name: "zata/storage",
        pool: "zata",
        availableBytes: 10_741_741_326_336,
        usedBytes: 8_556_084_379_648,
        snapshotsUsedBytes: 3_601_138_999_296,
      },
    ]);
  });

  it("leaves '-' usedsnap absent (FreeBSD 14, 14 datasets)", () => {
    const datasets = parseZfsList(zfsFixture("zfs-list-Hp-o-name-avail-used-usedsnap-usedds-freebsd14.txt"), TELEGRAF_ZFS);
    expect(datasets).toHaveLength(14);
    expect(datasets[2]).toEqual({ name: "zroot/ROOT/default", pool: "zroot", availableBytes: 53_069_045_760, usedBytes: 4_684_689_408 });
    expect(datasets.at(-1)?.name).toBe("zroot/var/tmp");
  });

  it("reads compressratio in both spellings; empty and 'no datasets available' give none; a bad value is named", () => {
    expect(parseZfsList("nvme-fast/models\t1.73\tx\n", ["name", "compressratio", "mystery"])).toEqual([
      { name: "nvme-fast/models", pool: "nvme-fast", compressRatio: 1.73 },
    ]);
    expect(parseZfsList("tank\t2.10x\n", ["name", "ratio"])[0]?.compressRatio).toBe(2.1);
    expect(parseZfsList("", TELEGRAF_ZFS)).toEqual([]);
    expect(parseZfsList("no datasets available\n", TELEGRAF_ZFS)).toEqual([]);
    expect(() => parseZfsList("tank\tlots\n", ["name", "used"])).toThrow(/zfs list \(name,used\): used of tank is "lots", not a value/);
  });
});

describe("parseSnapshotList", () => {
  it("counts snapshots per dataset and keeps the newest creation time", () => {
    const summaries = parseSnapshotList(zfsFixture("zfs-list-Hp-snapshots-name-used-creation.txt"), ["name", "used", "creation"]);
    expect(Object.fromEntries(summaries)).toEqual({
      "zpool/vol/0": { count: 2, newestCreation: 1_685_085_436 },
      "zpool/vol1": { count: 2, newestCreation: 1_685_100_606 },
    });
  });

  it("gives nothing for empty output; refuses a row without @ or a creation that is not Unix seconds", () => {
    expect(parseSnapshotList("", ["name", "creation"]).size).toBe(0);
    expect(() => parseSnapshotList("tank\t1685085436\n", ["name", "creation"])).toThrow(
      /starting with dataset@snapshot, got "tank\\t1685085436"/,
    );
    expect(() => parseSnapshotList("tank@daily\tMon May 26 10:00 2023\n", ["name", "creation"])).toThrow(
      /creation of tank@daily is "Mon May 26 10:00 2023", not Unix seconds \(was -p given\?\)/,
    );
  });
});
