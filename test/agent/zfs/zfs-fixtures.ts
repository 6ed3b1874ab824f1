import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/zfs/, where the ZFS samples live (see its SOURCES.md). */
export const ZFS_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/zfs/", import.meta.url));

/** The exact bytes of one fixture in test/fixtures/zfs/. */
export function zfsFixture(fileName: string): string {
  return readFileSync(`${ZFS_FIXTURES_DIR}${fileName}`, "utf8");
}

/**
 * A zpool status sample as zpool printed it: the samples from danjl1100/zpool-status-exporter carry a first
 * `TEST_TIMESTAMP=...` line from that project's test harness (SOURCES.md), which is removed here and only here.
 */
export function zpoolStatusFixture(fileName: string): string {
  return zfsFixture(fileName).replace(/^TEST_TIMESTAMP=\d+\n/, "");
}

/** Unix seconds of a ctime-style local time, as zpool prints it (month 1-12). */
export function localSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return new Date(year, month - 1, day, hour, minute, second).getTime() / 1000;
}
