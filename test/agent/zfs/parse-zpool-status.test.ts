import { describe, expect, it } from "vitest";
import { parseZpoolStatus } from "../../../agent/collectors/zfs/parse-zpool-status.ts";
import { ZfsParseError } from "../../../agent/collectors/zfs/parse-values.ts";
import { localSeconds, zpoolStatusFixture } from "./zfs-fixtures.ts";

const parse = (file: string) => parseZpoolStatus(zpoolStatusFixture(file));
const counters = (read: number, write: number, cksum: number) => ({ readErrors: read, writeErrors: write, checksumErrors: cksum });

describe("parseZpoolStatus on real outputs", () => {
  it("reads a DEGRADED pool: a resilver in progress, a replacing vdev and a FAULTED disk (hand-made from zpool_main.c)", () => {
    expect(parse("zpool-status-resilver-in-progress-replacing-hand-made.txt")).toEqual([
      {
        name: "sata-bulk",
        state: "DEGRADED",
        scans: [
          {
            function: "resilver",
            phase: "in_progress",
            startTimestamp: localSeconds(2025, 3, 2, 1, 10, 44),
            repairedBytes: Math.round(560 * 1024 ** 3),
            progressPercent: 22.56,
            remainingSeconds: 2 * 3600 + 47 * 60 + 2,
          },
        ],
        dataErrors: 0,
        errorFiles: [],
        vdevs: [
          { name: "sata-bulk", section: "pool", depth: 0, state: "DEGRADED", ...counters(0, 0, 0) },
          { name: "raidz1-0", section: "data", depth: 1, parent: "sata-bulk", state: "DEGRADED", ...counters(0, 0, 0) },
          {
            name: "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX1",
            section: "data",
            depth: 2,
            parent: "raidz1-0",
            state: "ONLINE",
            ...counters(0, 0, 0),
          },
          { name: "replacing-1", section: "data", depth: 2, parent: "raidz1-0", state: "DEGRADED", ...counters(0, 0, 0) },
          {
            name: "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX2",
            section: "data",
            depth: 3,
            parent: "replacing-1",
            state: "FAULTED",
            ...counters(12, 340, 0),
            note: "too many errors",
          },
          {
            name: "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX4",
            section: "data",
            depth: 3,
            parent: "replacing-1",
            state: "ONLINE",
            ...counters(0, 0, 0),
            note: "(resilvering)",
          },
          {
            name: "ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX3",
            section: "data",
            depth: 2,
            parent: "raidz1-0",
            state: "ONLINE",
            ...counters(0, 0, 0),
          },
        ],
      },
    ]);
  });

  it("reads a scrub in progress with no estimate (OpenZFS 2.x, tab-indented)", () => {
    const [pool] = parse("zpool-status-scrub-in-progress-no-eta.txt");
    expect(pool?.name).toBe("neptune");
    expect(pool?.state).toBe("ONLINE");
    expect(pool?.scans).toEqual([
      {
        function: "scrub",
        phase: "in_progress",
        startTimestamp: localSeconds(2024, 2, 11, 11, 54, 20),
        repairedBytes: 0,
        progressPercent: 0,
      },
    ]);
    expect(pool?.vdevs.map((v) => [v.name, v.depth, v.parent])).toEqual([
      ["neptune", 0, undefined],
      ["mirror-0", 1, "neptune"],
      ["wwn-0x5000c500af8ec287-part2", 2, "mirror-0"],
      ["ata-TOSHIBA_HDWQ140_50SRK3F3FBJG-part1", 2, "mirror-0"],
    ]);
  });

  it("reads two DEGRADED/UNAVAIL pools, a finished resilver of 1.41M, and a pool with no errors: line (illumos)", () => {
    const [rpool, zpool] = parse("zpool-status-2pools-degraded-resilvered-and-unavail-insufficient-replicas.txt");
    expect(rpool?.state).toBe("DEGRADED");
    expect(rpool?.scans).toEqual([
      {
        function: "resilver",
        phase: "finished",
        repairedBytes: Math.round(1.41 * 1024 ** 2),
        durationSeconds: 0,
        errors: 0,
        endTimestamp: localSeconds(2011, 11, 15, 5, 31, 36),
      },
    ]);
    expect(rpool?.dataErrors).toBe(0);
    expect(rpool?.vdevs.filter((v) => v.state === "UNAVAIL").map((v) => [v.name, v.note])).toEqual([
      ["c4d1s0", "cannot open"],
      ["c3d1s0", "cannot open"],
    ]);
    expect(zpool?.state).toBe("UNAVAIL");
    expect(zpool?.scans).toEqual([{ phase: "none" }]);
    expect(zpool?.dataErrors).toBeUndefined();
    expect(zpool?.vdevs[0]).toEqual({
      name: "zpool",
      section: "pool",
      depth: 0,
      state: "UNAVAIL",
      ...counters(0, 0, 0),
      note: "insufficient replicas",
    });
    expect(zpool?.vdevs[1]).toMatchObject({ name: "raidz1-0", parent: "zpool", state: "UNAVAIL", note: "insufficient replicas" });
  });

  it("reads a spare in use inside a mirror, counters on the spare-0 row and a leaf, and the spares section", () => {
    const [pool] = parse("zpool-status-degraded-spare-faulted-cksum-spares-avail.txt");
    expect(pool?.state).toBe("DEGRADED");
    expect(pool?.scans[0]).toMatchObject({ function: "resilver", phase: "finished", repairedBytes: Math.round(25.8 * 1024 ** 2) });
    expect(pool?.dataErrors).toBeUndefined();
    expect(pool?.vdevs.find((v) => v.name === "spare-0")).toEqual({
      name: "spare-0",
      section: "data",
      depth: 2,
      parent: "mirror-0",
      state: "DEGRADED",
      ...counters(1, 0, 0),
    });
    expect(pool?.vdevs.find((v) => v.name === "ata-VBOX_HARDDISK_VBb80f1f56-538e9acf")).toMatchObject({ depth: 3, checksumErrors: 1 });
    expect(pool?.vdevs.find((v) => v.name === "16876260487220383698")).toMatchObject({
      parent: "spare-0",
      state: "FAULTED",
      note: "was /dev/disk/by-path/pci-0000:00:0d.0-scsi-12:0:0:0-part1",
    });
    const spares = pool?.vdevs.filter((v) => v.section === "spares");
    expect(spares?.map((v) => v.name)).toEqual([
      "pci-0000:00:0d.0-scsi-10:0:0:0",
      "pci-0000:00:0d.0-scsi-11:0:0:0",
      "pci-0000:00:0d.0-scsi-12:0:0:0",
      "pci-0000:00:0d.0-scsi-13:0:0:0",
    ]);
    // Spares print no counters: absent, not 0.
    expect(spares?.[0]).toEqual({ name: "pci-0000:00:0d.0-scsi-10:0:0:0", section: "spares", depth: 1, parent: "test", state: "AVAIL" });
  });

  it("reads the logs section and a GUID leaf (illumos, 29h37m duration)", () => {
    const [pool] = parse("zpool-status-degraded-illumos-logs-guid-unavail.txt");
    expect(pool?.scans[0]).toEqual({
      function: "scrub",
      phase: "finished",
      repairedBytes: 0,
      durationSeconds: 29 * 3600 + 37 * 60,
      errors: 0,
      endTimestamp: localSeconds(2016, 7, 14, 18, 42, 6),
    });
    expect(pool?.vdevs.find((v) => v.section === "logs")).toEqual({
      name: "c0t55CD2E404B73663Dd0",
      section: "logs",
      depth: 1,
      parent: "zones",
      state: "ONLINE",
      ...counters(0, 0, 0),
    });
    expect(pool?.vdevs.find((v) => v.name === "9669136929555758172")?.note).toBe("was /dev/dsk/c0t5000C5006349E003d0s0");
  });

  it("reads the old Solaris ' scrub: none requested' line", () => {
    const [pool] = parse("zpool-status-degraded-mirror-unavail-cannot-open-legacy-scrub-line.txt");
    expect(pool?.scans).toEqual([{ phase: "none" }]);
    expect(pool?.vdevs.find((v) => v.name === "c1t1d0")).toMatchObject({ state: "UNAVAIL", note: "cannot open" });
  });

  it("reads -v: the permanent errors' files, counted, and an UNAVAIL leaf with READ 4 WRITE 1", () => {
    const [pool] = parse("zpool-status-v-unavail-io-failures-permanent-errors-files.txt");
    expect(pool?.state).toBe("UNAVAIL");
    expect(pool?.errorFiles).toEqual(["/tank/data/aaa", "/tank/data/bbb", "/tank/data/ccc"]);
    expect(pool?.dataErrors).toBe(3);
    expect(pool?.scans[0]).toEqual({
      function: "scrub",
      phase: "finished",
      durationSeconds: 0,
      errors: 0,
      endTimestamp: localSeconds(2010, 2, 2, 13, 8, 42),
    });
    expect(pool?.vdevs.find((v) => v.name === "c1t1d0")).toMatchObject({ depth: 1, ...counters(4, 1, 0), note: "cannot open" });
  });

  it("takes the count from 'N data errors' when -v could not list the files (not root)", () => {
    const [pool] = parse("zpool-status-online-1-data-error-permission-denied.txt");
    expect(pool?.dataErrors).toBe(1);
    expect(pool?.errorFiles).toEqual([]);
    expect(pool?.scans[0]).toMatchObject({ phase: "finished", durationSeconds: 14 * 3600 + 7 * 60, errors: 1 });
  });

  it("reads a REMOVED leaf, a 'corrupted data' leaf, and a file ending without an errors: line", () => {
    expect(parse("zpool-status-degraded-device-removed.txt")[0]?.vdevs.find((v) => v.name === "drive0-part1")?.state).toBe("REMOVED");
    const [corrupted] = parse("zpool-status-degraded-corrupted-data-loop-devices.txt");
    expect(corrupted?.dataErrors).toBeUndefined();
    expect(corrupted?.vdevs.filter((v) => v.state !== "ONLINE").map((v) => `${v.name} ${v.state} ${v.note ?? ""}`)).toEqual([
      "dummy DEGRADED ",
      "mirror-1 DEGRADED ",
      "loop3 UNAVAIL corrupted data",
    ]);
  });

  it("reads a 100980 checksum count that widens the column", () => {
    const [pool] = parse("zpool-status-degraded-unavail-cksum-100980.txt");
    expect(pool?.vdevs.find((v) => v.name === "12345678901234567890")).toMatchObject({ ...counters(0, 0, 100980), state: "UNAVAIL" });
    expect(pool?.scans[0]).toMatchObject({ durationSeconds: 8 * 3600 + 37 * 60 + 48, endTimestamp: localSeconds(2024, 11, 3, 15, 24, 53) });
  });

  it("reads two healthy pools and a scrub that repaired 1M in 00:04:45", () => {
    const [pool0, pool1] = parse("zpool-status-2pools-online-raidz1-mirror-scrub-repaired-1M.txt");
    expect(pool0?.vdevs.map((v) => v.depth)).toEqual([0, 1, 2, 2, 2]);
    expect(pool0?.scans[0]).toMatchObject({ repairedBytes: 0, durationSeconds: 25082 });
    expect(pool1?.scans[0]).toEqual({
      function: "scrub",
      phase: "finished",
      repairedBytes: 1024 * 1024,
      durationSeconds: 285,
      errors: 0,
      endTimestamp: localSeconds(2023, 11, 12, 0, 28, 47),
    });
  });

  it("reads FreeNAS output whose pool name overflows the NAME column, with 0h2m and 7h7m durations", () => {
    const [boot, vol] = parse("zpool-status-freenas-2pools-scrub-old-duration-format.txt");
    expect(boot?.vdevs).toEqual([
      { name: "freenas-boot", section: "pool", depth: 0, state: "ONLINE", ...counters(0, 0, 0) },
      { name: "da0p2", section: "data", depth: 1, parent: "freenas-boot", state: "ONLINE", ...counters(0, 0, 0) },
    ]);
    expect(boot?.scans[0]?.durationSeconds).toBe(120);
    expect(vol?.scans[0]?.durationSeconds).toBe(7 * 3600 + 7 * 60);
    expect(vol?.vdevs.filter((v) => v.depth === 2).map((v) => v.parent)).toEqual(["mirror-0", "mirror-0", "mirror-1", "mirror-1"]);
  });

  it("reads three pools with no blank lines, '0 days 00:19:47' and a canceled scrub", () => {
    const pools = parse("zpool-status-v-3pools-no-blank-lines-days-duration.txt");
    expect(pools.map((p) => p.name)).toEqual(["zhgstera6", "zint500", "zsam53"]);
    expect(pools[0]?.scans).toEqual([{ function: "scrub", phase: "canceled", endTimestamp: localSeconds(2022, 8, 19, 15, 33, 19) }]);
    expect(pools[1]?.scans[0]?.durationSeconds).toBe(19 * 60 + 47);
    expect(pools[2]?.vdevs[1]).toMatchObject({ name: "Portable_SSD_T5-S49WNP0N120517B:8", depth: 1, parent: "zsam53" });
  });

  it("reads a canceled scrub beside a features notice, a new pool with no scan: line, and a snipped scan line", () => {
    expect(parse("zpool-status-scrub-canceled-features-notice.txt")[0]?.scans[0]).toMatchObject({ function: "scrub", phase: "canceled" });
    const [fresh] = parse("zpool-status-new-pool-no-scan-line.txt");
    expect(fresh?.scans).toEqual([]);
    expect(fresh?.dataErrors).toBe(0);
    const [tank] = parse("zpool-status-4mirrors-spares-avail-scan-snipped.txt");
    expect(tank?.scans).toEqual([{ function: "scrub", phase: "finished", repairedBytes: 0 }]);
    expect(tank?.vdevs.filter((v) => v.depth === 1).map((v) => `${v.section}:${v.name}`)).toEqual([
      "data:mirror-0",
      "data:mirror-1",
      "data:mirror-2",
      "data:mirror-3",
      "spares:sdf",
    ]);
  });
});

describe("parseZpoolStatus on empty and bad input", () => {
  it("gives no pools for empty output and for 'no pools available'", () => {
    expect(parseZpoolStatus("")).toEqual([]);
    expect(parseZpoolStatus("\n\n")).toEqual([]);
    expect(parseZpoolStatus("no pools available\n")).toEqual([]);
  });

  it("refuses text that does not start with a pool: line, naming what it got", () => {
    expect(() => parseZpoolStatus("<html>502 Bad Gateway</html>")).toThrow(ZfsParseError);
    expect(() => parseZpoolStatus("<html>502 Bad Gateway</html>")).toThrow(
      'zpool status: expected a "pool:" line first, got "<html>502 Bad Gateway</html>"',
    );
    // The harness line of the danjl1100 samples is not zpool output either.
    expect(() => parseZpoolStatus("TEST_TIMESTAMP=0\n  pool: milton\n")).toThrow(/expected a "pool:" line first, got "TEST_TIMESTAMP=0"/);
  });

  it("refuses a config table it cannot read, naming the pool and the row", () => {
    const base =
      "  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n\ttank        ONLINE       0     0     0\n";
    expect(() => parseZpoolStatus(`${base}\t   sda       ONLINE       0     0     0\n`)).toThrow(
      /pool tank: config: row "sda       ONLINE       0     0     0" is not indented under the NAME header in steps of two spaces/,
    );
    expect(() => parseZpoolStatus(`${base}\t      sda     ONLINE       0     0     0\n`)).toThrow(/indented deeper than the row above it/);
    expect(() => parseZpoolStatus(`${base}\tmystery\n`)).toThrow(/pool tank: config: unknown section heading "mystery"/);
    expect(() => parseZpoolStatus("  pool: tank\nconfig:\n\tsomething else\n")).toThrow(/has no "NAME STATE READ WRITE CKSUM" header/);
  });
});
