import { closeSync, fsyncSync, openSync, renameSync } from "node:fs";
import { dirname } from "node:path";

/** Flushes a file's data to the disk, so a power cut after this cannot leave it half written. */
export function syncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames `from` to `to` (replacing `to` atomically) and flushes the directory, so after a crash the
 * name points either to the old file or to the complete new one, never to a partial one.
 */
export function renameDurably(from: string, to: string): void {
  syncFile(from);
  renameSync(from, to);
  syncDirectory(dirname(to));
}

export function syncDirectory(dir: string): void {
  try {
    syncFile(dir);
  } catch {
    // Some filesystems (and non-Linux systems) cannot fsync a directory; the rename is still atomic.
  }
}
