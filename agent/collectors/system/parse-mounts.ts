import { assertSomethingParsed, nonBlankLines } from "./proc-text.ts";

const FILE = "/proc/mounts";

/** One line of /proc/mounts, with the kernel's octal escapes decoded. */
export interface MountEntry {
  /** What is mounted: `/dev/nvme0n1p2`, `tank/models`, `overlay`... */
  device: string;
  mountPoint: string;
  fsType: string;
}

/**
 * Parses /proc/mounts (fstab format: device, mount point, type, options, dump, pass).
 * A line with fewer than three fields or a mount point that is not absolute is skipped.
 */
export function parseMounts(text: string): MountEntry[] {
  const lines = nonBlankLines(text);
  const mounts: MountEntry[] = [];
  for (const line of lines) {
    const [device, mountPoint, fsType] = line.split(/\s+/).map(decodeOctalEscapes);
    if (device === undefined || mountPoint === undefined || fsType === undefined) continue;
    if (!mountPoint.startsWith("/")) continue;
    mounts.push({ device, mountPoint, fsType });
  }
  assertSomethingParsed(FILE, lines.length, mounts.length);
  return mounts;
}

/**
 * The kernel writes space, tab, newline and backslash in mount fields as `\040`, `\011`, `\012`
 * and `\134`; any three-digit octal escape is decoded.
 */
export function decodeOctalEscapes(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
