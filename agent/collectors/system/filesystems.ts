import type { MountEntry } from "./parse-mounts.ts";

/** Which mounts are never reported (from the `collectors.system` config). */
export interface FilesystemExclusions {
  /** Exact filesystem types, e.g. "tmpfs", "fuse.lxcfs". */
  excludeFsTypes: readonly string[];
  /** Mount point prefixes, matched on whole path components: "/snap" excludes /snap and /snap/core, not /snapshots. */
  excludeMountPrefixes: readonly string[];
}

/** The block counts statfs(2) reports for one filesystem. */
export interface FilesystemBlocks {
  /** Block size, bytes. */
  bsize: number;
  blocks: number;
  /** Free blocks, including those reserved for root. */
  bfree: number;
  /** Free blocks an unprivileged user may use. */
  bavail: number;
}

/** What Vigil reports for one filesystem. */
export interface FilesystemUsage {
  sizeBytes: number;
  availBytes: number;
  /** Used share of the space a user could have, as `df` computes Use%; absent when that space is 0. */
  usedPercent?: number;
}

/**
 * The mounts to measure: one per mount point, and not excluded. When a mount point appears twice
 * (something mounted over it), the last line wins: that is the mount statfs will see. Exclusions are
 * applied after that, so a tmpfs mounted over a disk hides the disk, as it does for `df`.
 */
export function selectMounts(mounts: readonly MountEntry[], exclusions: FilesystemExclusions): MountEntry[] {
  const byMountPoint = new Map<string, MountEntry>();
  for (const mount of mounts) {
    byMountPoint.delete(mount.mountPoint);
    byMountPoint.set(mount.mountPoint, mount);
  }
  return [...byMountPoint.values()].filter(
    (mount) =>
      !exclusions.excludeFsTypes.includes(mount.fsType) &&
      !exclusions.excludeMountPrefixes.some((prefix) => isUnderPrefix(mount.mountPoint, prefix)),
  );
}

function isUnderPrefix(mountPoint: string, prefix: string): boolean {
  if (mountPoint === prefix) return true;
  return mountPoint.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
}

/**
 * Size, available space and used percent of one filesystem, like `df`:
 * used% = (blocks - bfree) / (blocks - bfree + bavail) * 100. Undefined for a filesystem
 * with no blocks at all (a pseudo filesystem, which `df` hides too).
 */
export function filesystemUsage(fs: FilesystemBlocks): FilesystemUsage | undefined {
  if (fs.blocks <= 0) return undefined;
  const used = fs.blocks - fs.bfree;
  const usage: FilesystemUsage = { sizeBytes: fs.blocks * fs.bsize, availBytes: fs.bavail * fs.bsize };
  if (used + fs.bavail > 0) usage.usedPercent = (used / (used + fs.bavail)) * 100;
  return usage;
}
