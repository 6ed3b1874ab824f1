import { describe, expect, it } from "vitest";
import { arcHitRatio, arcReadings } from "../../../agent/collectors/zfs/arc.ts";
import { parseNamedKstat, parsePoolStateFile } from "../../../agent/collectors/zfs/parse-kstat.ts";
import { zfsFixture } from "./zfs-fixtures.ts";

describe("parseNamedKstat and arcReadings", () => {
  it("reads a recent OpenZFS arcstats (147 rows, with iohits)", () => {
    const stats = parseNamedKstat(zfsFixture("arcstats-linux-openzfs-recent-telegraf-issue17578.txt"), "arcstats");
    expect(stats.size).toBe(147);
    expect(arcReadings(stats)).toEqual({
      sizeBytes: 14_960_038_920,
      targetSizeBytes: 15_590_628_496,
      maxSizeBytes: 32_458_756_096,
      hits: 33_266_704_081,
      misses: 30_882_817,
      ioHits: 1_992_434,
    });
  });

  it("reads an older ZFS-on-Linux arcstats (91 rows, no iohits)", () => {
    const stats = parseNamedKstat(zfsFixture("arcstats-linux-zol-older-node-exporter.txt"), "arcstats");
    expect(stats.size).toBe(91);
    expect(stats.get("arc_meta_limit")).toBeTypeOf("number");
    expect(arcReadings(stats)).toEqual({
      sizeBytes: 1_603_939_792,
      targetSizeBytes: 1_643_208_777,
      maxSizeBytes: 8_367_976_448,
      hits: 8_772_612,
      misses: 604_635,
    });
  });

  it("gives nothing for empty input and refuses text without the 'name type data' line", () => {
    expect(parseNamedKstat("", "arcstats").size).toBe(0);
    expect(() => parseNamedKstat("hits 4 5\n", "/proc/spl/kstat/zfs/arcstats")).toThrow(
      '/proc/spl/kstat/zfs/arcstats: no "name type data" line (first line: "hits 4 5")',
    );
  });
});

describe("arcHitRatio", () => {
  it("is hits over all accesses between two readings, iohits counted as accesses", () => {
    expect(arcHitRatio({ hits: 1000, misses: 100, ioHits: 10 }, { hits: 1900, misses: 150, ioHits: 60 })).toBe(0.9);
    expect(arcHitRatio({ hits: 1000, misses: 100 }, { hits: 1300, misses: 200 })).toBe(0.75);
  });

  it("gives no ratio without accesses, without counters, or across a module reload", () => {
    expect(arcHitRatio({ hits: 5, misses: 5 }, { hits: 5, misses: 5 })).toBeUndefined();
    expect(arcHitRatio({}, { hits: 5, misses: 5 })).toBeUndefined();
    expect(arcHitRatio({ hits: 5000, misses: 50 }, { hits: 10, misses: 1 })).toBeUndefined();
  });
});

describe("parsePoolStateFile", () => {
  it("reads the one-word state files", () => {
    expect(parsePoolStateFile(zfsFixture("kstat-pool-state-online.txt"))).toBe("ONLINE");
    expect(parsePoolStateFile(zfsFixture("kstat-pool-state-degraded.txt"))).toBe("DEGRADED");
    expect(parsePoolStateFile(zfsFixture("kstat-pool-state-suspended.txt"))).toBe("SUSPENDED");
    expect(parsePoolStateFile("")).toBeUndefined();
    expect(parsePoolStateFile("two words")).toBeUndefined();
  });
});
