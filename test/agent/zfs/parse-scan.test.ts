import { describe, expect, it } from "vitest";
import { parseScan } from "../../../agent/collectors/zfs/parse-scan.ts";
import { localSeconds } from "./zfs-fixtures.ts";

/**
 * Scan lines of eras no stored fixture shows (the fixtures' own scan lines are checked in
 * parse-zpool-status.test.ts). Each is written from the printf format of the zpool that prints it.
 */
describe("parseScan", () => {
  it("reads a running scrub with an estimate (OpenZFS 2.x: '%s repaired, %.2f%% done' + ', %s to go')", () => {
    expect(
      parseScan("scrub in progress since Sun Jul  1 00:24:02 2018", [
        "\t1.41T / 2.73T scanned at 1.02G/s, 1.12T / 2.73T issued at 812M/s",
        "\t0B repaired, 41.03% done, 1 days 02:03:04 to go",
      ]),
    ).toEqual({
      function: "scrub",
      phase: "in_progress",
      startTimestamp: localSeconds(2018, 7, 1, 0, 24, 2),
      repairedBytes: 0,
      progressPercent: 41.03,
      remainingSeconds: 86_400 + 2 * 3600 + 3 * 60 + 4,
    });
  });

  it("reads 0.7's 'scanned out of ... to go' line followed by '... repaired, N% done', with decimal commas", () => {
    expect(
      parseScan("scrub in progress since Thu Aug 17 10:25:48 2017", [
        "9,12T scanned out of 9,48T at 1,90M/s, 55h33m to go",
        "0 repaired, 96,19% done",
      ]),
    ).toEqual({
      function: "scrub",
      phase: "in_progress",
      startTimestamp: localSeconds(2017, 8, 17, 10, 25, 48),
      repairedBytes: 0,
      progressPercent: 96.19,
      remainingSeconds: 55 * 3600 + 33 * 60,
    });
  });

  it("reads a paused scrub: its start comes from the 'scrub started on' line, and no estimate is given", () => {
    expect(
      parseScan("scrub paused since Mon Mar  3 09:00:00 2025", [
        "\tscrub started on Sun Mar  2 23:00:00 2025",
        "\t3.10T / 7.27T scanned, 2.95T / 7.27T issued",
        "\t0B repaired, 40.58% done",
      ]),
    ).toEqual({
      function: "scrub",
      phase: "paused",
      startTimestamp: localSeconds(2025, 3, 2, 23, 0, 0),
      repairedBytes: 0,
      progressPercent: 40.58,
    });
  });

  it("reads a sequential resilver (rebuild) of one top-level vdev, finished and running", () => {
    expect(parseScan("resilvered (mirror-0) 1.00G in 00:00:03 with 0 errors on Tue May  6 10:00:00 2025")).toEqual({
      function: "resilver",
      phase: "finished",
      vdev: "mirror-0",
      repairedBytes: 1024 ** 3,
      durationSeconds: 3,
      errors: 0,
      endTimestamp: localSeconds(2025, 5, 6, 10, 0, 0),
    });
    expect(
      parseScan("resilver (draid2:5d:24c:1s-0) in progress since Tue May  6 10:00:00 2025", [
        "\t12.0G resilvered, 3.50% done, no estimated completion time",
      ]),
    ).toMatchObject({
      function: "resilver",
      phase: "in_progress",
      vdev: "draid2:5d:24c:1s-0",
      repairedBytes: 12 * 1024 ** 3,
      progressPercent: 3.5,
    });
  });

  it("reads Solaris' 'in progress for ..., N% done, ... to go' and 'stopped after' lines", () => {
    expect(parseScan("scrub in progress for 0h1m, 5.66% done, 0h24m to go")).toEqual({
      function: "scrub",
      phase: "in_progress",
      progressPercent: 5.66,
      remainingSeconds: 24 * 60,
    });
    expect(parseScan("resilver stopped after 0h3m with 0 errors on Tue Feb  2 13:08:42 2010")).toEqual({
      function: "resilver",
      phase: "canceled",
      endTimestamp: localSeconds(2010, 2, 2, 13, 8, 42),
    });
  });

  it("gives 'unrecognized' for wording it does not know, instead of failing the pool", () => {
    expect(parseScan("error scrub in progress since Tue May  6 10:00:00 2025")).toEqual({ phase: "unrecognized" });
    expect(parseScan("")).toEqual({ phase: "unrecognized" });
  });
});
