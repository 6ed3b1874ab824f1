import { describe, expect, it } from "vitest";
import { rawAsRollup, toStepBuckets } from "../../../hub/query/step-buckets.ts";

describe("toStepBuckets", () => {
  it("merges raw samples into aligned step buckets with min, max, avg, last and count", () => {
    const raw = [
      { t: 1_000, value: 4 },
      { t: 9_999, value: -2 },
      { t: 10_000, value: 7 },
      { t: 31_000, value: 1.5 },
      { t: 35_000, value: 2.5 },
    ].map(rawAsRollup);
    expect(toStepBuckets(raw, 10_000)).toEqual([
      { t: 0, min: -2, max: 4, avg: 1, last: -2, count: 2 },
      { t: 10_000, min: 7, max: 7, avg: 7, last: 7, count: 1 },
      // 20,000 had no sample: absent, not a zero.
      { t: 30_000, min: 1.5, max: 2.5, avg: 2, last: 2.5, count: 2 },
    ]);
  });

  it("merges rollup buckets weighting the average by their sample counts", () => {
    const minutes = [
      { t: 0, min: 1, max: 5, sum: 18, count: 6, last: 2 },
      { t: 60_000, min: 0, max: 9, sum: 12, count: 2, last: 9 },
      { t: 180_000, min: 3, max: 3, sum: 3, count: 1, last: 3 },
    ];
    expect(toStepBuckets(minutes, 120_000)).toEqual([
      { t: 0, min: 0, max: 9, avg: 30 / 8, last: 9, count: 8 },
      { t: 120_000, min: 3, max: 3, avg: 3, last: 3, count: 1 },
    ]);
  });

  it("refuses points out of order rather than answer a wrong last", () => {
    expect(() => toStepBuckets([rawAsRollup({ t: 20_000, value: 1 }), rawAsRollup({ t: 5_000, value: 2 })], 10_000)).toThrow(
      /out of order/,
    );
  });
});
