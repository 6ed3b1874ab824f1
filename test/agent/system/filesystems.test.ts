import { describe, expect, it } from "vitest";
import { filesystemUsage, selectMounts } from "../../../agent/collectors/system/filesystems.ts";
import { parseMounts } from "../../../agent/collectors/system/parse-mounts.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { procFixture } from "./proc-fixtures.ts";

const DEFAULTS = agentConfigSchema.parse({}).collectors.system;
const MOUNTS = parseMounts(procFixture("mounts-ai-box-nvme-zfs-usb-overmount-escaped-space-hand-written.txt"));

describe("selectMounts", () => {
  it("keeps the real filesystems of the AI box under the default exclusions", () => {
    expect(selectMounts(MOUNTS, DEFAULTS).map((m) => `${m.mountPoint} ${m.device} ${m.fsType}`)).toEqual([
      "/ /dev/nvme0n1p2 ext4",
      "/boot/efi /dev/nvme0n1p1 vfat",
      "/tank tank zfs",
      "/tank/models tank/models zfs",
      "/mnt/model store /dev/sda1 ext4",
      "/media/usb /dev/sdc1 exfat",
    ]);
  });

  it("reports an over-mounted mount point once, as its last (visible) mount", () => {
    const usb = selectMounts(MOUNTS, DEFAULTS).filter((m) => m.mountPoint === "/media/usb");
    expect(usb).toEqual([{ device: "/dev/sdc1", mountPoint: "/media/usb", fsType: "exfat" }]);
  });

  it("lets an excluded mount on top hide the one beneath", () => {
    const mounts = [
      { device: "/dev/sdb1", mountPoint: "/scratch", fsType: "xfs" },
      { device: "tmpfs", mountPoint: "/scratch", fsType: "tmpfs" },
    ];
    expect(selectMounts(mounts, { excludeFsTypes: ["tmpfs"], excludeMountPrefixes: [] })).toEqual([]);
  });

  it("matches prefixes on whole path components", () => {
    const mounts = [
      { device: "a", mountPoint: "/snap", fsType: "ext4" },
      { device: "b", mountPoint: "/snap/core22/1621", fsType: "ext4" },
      { device: "c", mountPoint: "/snapshots", fsType: "ext4" },
      { device: "d", mountPoint: "/data/", fsType: "ext4" },
      { device: "e", mountPoint: "/data/x", fsType: "ext4" },
    ];
    const kept = selectMounts(mounts, { excludeFsTypes: [], excludeMountPrefixes: ["/snap", "/data/"] });
    expect(kept.map((m) => m.device)).toEqual(["c"]);
  });

  it("excludes nothing when the lists are empty", () => {
    expect(selectMounts(MOUNTS, { excludeFsTypes: [], excludeMountPrefixes: [] })).toHaveLength(17);
  });
});

describe("filesystemUsage", () => {
  it("computes size, avail and used percent like df", () => {
    // used = 1000 - 300 = 700 blocks; df's Use% = 700 / (700 + 100) = 87.5 %.
    expect(filesystemUsage({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 100 })).toEqual({
      sizeBytes: 4_096_000,
      availBytes: 409_600,
      usedPercent: 87.5,
    });
  });

  it("matches df on a real ext4 root (df -B1: size 270553174016, used 24220504064, avail 84723789824, 23%)", () => {
    // statfs of that root: 4096-byte blocks; bfree = blocks - used/4096.
    const usage = filesystemUsage({ bsize: 4096, blocks: 66053021, bfree: 66053021 - 5913209, bavail: 20684519 });
    expect(usage?.sizeBytes).toBe(270553174016);
    expect(usage?.availBytes).toBe(84723789824);
    expect(usage?.usedPercent).toBeCloseTo((24220504064 / (24220504064 + 84723789824)) * 100, 10);
    // df rounds Use% up.
    expect(Math.ceil(usage?.usedPercent ?? Number.NaN)).toBe(23);
  });

  it("has no used percent when nothing is usable or used", () => {
    expect(filesystemUsage({ bsize: 4096, blocks: 10, bfree: 10, bavail: 0 })).toEqual({ sizeBytes: 40960, availBytes: 0 });
  });

  it("gives nothing for a filesystem without blocks", () => {
    expect(filesystemUsage({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 })).toBeUndefined();
  });
});
