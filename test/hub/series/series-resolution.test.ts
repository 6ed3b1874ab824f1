import { describe, expect, it } from "vitest";
import { chooseResolution, defaultStep } from "../../../hub/query/series-resolution.ts";
import { DEFAULT_STORAGE } from "../../../hub/store/storage-options.ts";

const NOW = 1_790_031_600_000;
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const retention = DEFAULT_STORAGE.retention;

describe("chooseResolution", () => {
  it.each([
    // from, step -> resolution, step used
    ["last hour at 10 s", NOW - HOUR, 10 * S, "raw", 10 * S],
    ["last 2 days at 59 s", NOW - 2 * DAY, 59 * S, "raw", 59 * S],
    ["2 days and 1 ms ago at 10 s: raw is gone", NOW - 2 * DAY - 1, 10 * S, "1m", MIN],
    ["last hour at 1 minute", NOW - HOUR, MIN, "1m", MIN],
    ["last day at 90 s: whole minutes", NOW - DAY, 90 * S, "1m", 2 * MIN],
    ["last 30 days at 5 minutes", NOW - 30 * DAY, 5 * MIN, "1m", 5 * MIN],
    ["31 days ago at 5 minutes: minutes are gone", NOW - 31 * DAY, 5 * MIN, "1h", HOUR],
    ["last week at 1 hour", NOW - 7 * DAY, HOUR, "1h", HOUR],
    ["last year at 1 day", NOW - 365 * DAY, DAY, "1h", DAY],
    ["last year at 90 minutes: whole hours", NOW - 365 * DAY, 90 * MIN, "1h", 2 * HOUR],
  ])("%s", (_what, from, stepMs, resolution, used) => {
    expect(chooseResolution({ from, stepMs, now: NOW, retention })).toEqual({ resolution, stepMs: used });
  });
});

describe("defaultStep", () => {
  it.each([
    [HOUR, 5 * S],
    [6 * HOUR, 30 * S],
    [DAY, 2 * MIN],
    [7 * DAY, 15 * MIN],
    [30 * DAY, HOUR],
    [365 * DAY, DAY],
    [3650 * DAY, 122 * HOUR],
  ])("for a range of %d ms is %d ms (at most 720 points)", (range, step) => {
    expect(defaultStep(range)).toBe(step);
    expect(range / step).toBeLessThanOrEqual(720);
  });
});
