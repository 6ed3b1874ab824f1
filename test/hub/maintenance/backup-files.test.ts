import { describe, expect, it } from "vitest";
import { backupFileName, backupsBeyond, isPartialBackup, nextBackupDue, scheduledBackups } from "../../../hub/maintenance/backup-files.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("scheduled backup files", () => {
  it("names backups by their UTC time, so they sort as they were taken", () => {
    expect(backupFileName(new Date("2026-09-21T23:00:05.789Z"), true)).toBe("hub-20260921T230005Z.sqlite.gz");
    expect(backupFileName(new Date("2026-01-02T03:04:05Z"), false)).toBe("hub-20260102T030405Z.sqlite");
  });

  it("lists only its own backups, oldest first, and keeps the newest N", () => {
    const names = [
      "hub-20260923T000000Z.sqlite.gz",
      "notes.txt",
      "hub-20260921T000000Z.sqlite.gz",
      "hub-20260922T000000Z.sqlite",
      "hub-20260924T000000Z.sqlite.gz.partial", // a backup cut short: not a backup
      "hub-before-upgrade.sqlite", // kept by hand: never deleted
      "hub-20261399T000000Z.sqlite.gz", // not a time
      "agent-20260920T000000Z.sqlite.gz",
    ];
    const backups = scheduledBackups(names);
    expect(backups.map((b) => b.name)).toEqual([
      "hub-20260921T000000Z.sqlite.gz",
      "hub-20260922T000000Z.sqlite",
      "hub-20260923T000000Z.sqlite.gz",
    ]);
    expect(backups[0]?.takenAt.toISOString()).toBe("2026-09-21T00:00:00.000Z");
    expect(backupsBeyond(backups, 2).map((b) => b.name)).toEqual(["hub-20260921T000000Z.sqlite.gz"]);
    expect(backupsBeyond(backups, 7)).toEqual([]);
  });

  it("recognises what a backup killed half way leaves", () => {
    expect(isPartialBackup("hub-20260924T000000Z.sqlite.gz.partial")).toBe(true);
    expect(isPartialBackup("hub-20260924T000000Z.sqlite.gz.partial.sqlite")).toBe(true);
    expect(isPartialBackup("hub-20260924T000000Z.sqlite.partial")).toBe(true);
    expect(isPartialBackup("hub-20260924T000000Z.sqlite.partial-wal")).toBe(true);
    expect(isPartialBackup("hub-20260924T000000Z.sqlite.gz")).toBe(false);
    expect(isPartialBackup("my.partial")).toBe(false);
  });

  it("is due an interval after the newest backup, so restarts do not postpone it, but never right at start", () => {
    const now = Date.parse("2026-09-22T12:00:00Z");
    // A daily backup taken at 02:00, the hub restarted at 12:00: the next is at 02:00 tomorrow, not at noon.
    expect(nextBackupDue(new Date("2026-09-22T02:00:00Z"), now, DAY, 60_000)).toBe(Date.parse("2026-09-23T02:00:00Z"));
    // Overdue (the hub was down over the due time): a minute after start.
    expect(nextBackupDue(new Date("2026-09-20T02:00:00Z"), now, DAY, 60_000)).toBe(now + 60_000);
    // No backup yet.
    expect(nextBackupDue(undefined, now, DAY, 60_000)).toBe(now + 60_000);
  });
});
