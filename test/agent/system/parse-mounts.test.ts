import { describe, expect, it } from "vitest";
import { decodeOctalEscapes, parseMounts } from "../../../agent/collectors/system/parse-mounts.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

const FIXTURE = "mounts-ai-box-nvme-zfs-usb-overmount-escaped-space-hand-written.txt";

describe("parseMounts", () => {
  it("reads every line of an AI box's mounts, in order", () => {
    const mounts = parseMounts(procFixture(FIXTURE));
    expect(mounts).toHaveLength(18);
    expect(mounts[0]).toEqual({ device: "sysfs", mountPoint: "/sys", fsType: "sysfs" });
    expect(mounts[5]).toEqual({ device: "/dev/nvme0n1p2", mountPoint: "/", fsType: "ext4" });
    expect(mounts[12]).toEqual({ device: "tank/models", mountPoint: "/tank/models", fsType: "zfs" });
    expect(mounts[17]).toEqual({ device: "/dev/sdc1", mountPoint: "/media/usb", fsType: "exfat" });
  });

  it("decodes the kernel's \\040 escape for a space in a mount point", () => {
    const mounts = parseMounts(procFixture(FIXTURE));
    expect(mounts[13]).toEqual({ device: "/dev/sda1", mountPoint: "/mnt/model store", fsType: "ext4" });
  });

  it("decodes tab, newline and backslash escapes", () => {
    expect(decodeOctalEscapes("/mnt/a\\011b\\012c\\134d")).toBe("/mnt/a\tb\nc\\d");
    expect(decodeOctalEscapes("/plain")).toBe("/plain");
  });

  it("gives nothing for empty input", () => {
    expect(parseMounts("")).toEqual([]);
  });

  it("throws, naming the file, for garbage", () => {
    expect(() => parseMounts("permission denied")).toThrow(ProcParseError);
    expect(() => parseMounts("no mounts here\nat all")).toThrow(/\/proc\/mounts/);
  });

  it("skips a line with too few fields or a relative mount point", () => {
    expect(parseMounts("/dev/sda1 /data\n/dev/sdb1 data ext4 rw 0 0\n/dev/sdc1 /srv xfs rw 0 0\n")).toEqual([
      { device: "/dev/sdc1", mountPoint: "/srv", fsType: "xfs" },
    ]);
  });
});
