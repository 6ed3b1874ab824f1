import { fileStamp, parseFileStamp } from "../../shared/sqlite/file-stamp.ts";

/** A scheduled backup's name: hub-20260921T230005Z.sqlite, or .sqlite.gz. Nothing else in the directory is touched. */
const BACKUP_NAME = /^hub-(\d{8}T\d{6}Z)\.sqlite(\.gz)?$/;
/** What a backup killed half way leaves (shared/sqlite/backup.ts names its temporary files so). */
const PARTIAL_NAME = /^hub-\d{8}T\d{6}Z\.sqlite(\.gz)?\.partial(\.sqlite)?(-wal|-shm|-journal)?$/;

export interface BackupFile {
  name: string;
  takenAt: Date;
}

export function backupFileName(at: Date, gzip: boolean): string {
  return `hub-${fileStamp(at)}.sqlite${gzip ? ".gz" : ""}`;
}

/** The scheduled backups among a directory's file names, oldest first. */
export function scheduledBackups(names: readonly string[]): BackupFile[] {
  const out: BackupFile[] = [];
  for (const name of names) {
    const stamp = BACKUP_NAME.exec(name)?.[1];
    const takenAt = stamp === undefined ? undefined : parseFileStamp(stamp);
    if (takenAt) out.push({ name, takenAt });
  }
  return out.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime() || a.name.localeCompare(b.name));
}

/** The backups beyond the newest `keep`, to delete. */
export function backupsBeyond(backups: readonly BackupFile[], keep: number): BackupFile[] {
  return backups.slice(0, Math.max(0, backups.length - keep));
}

export function isPartialBackup(name: string): boolean {
  return PARTIAL_NAME.test(name);
}

/**
 * When the next backup is due: an interval after the newest one, so a hub restarted more often than
 * its interval still backs up, but never sooner than `delayMs` from now, so a start is not slowed.
 */
export function nextBackupDue(newest: Date | undefined, now: number, intervalMs: number, delayMs: number): number {
  const soonest = now + delayMs;
  return newest === undefined ? soonest : Math.max(soonest, newest.getTime() + intervalMs);
}
