import { describe, expect, it } from "vitest";
import { accountChannel, accountSamples, percentile } from "../../../bench/soak/accounting.ts";
import { parseJournal } from "../../../bench/soak/journal.ts";

const agentId = (i: number) => `bench-${String(i).padStart(5, "0")}`;

describe("sample accounting: journals against the hub's rows", () => {
  // Agent 0: three batches of 100, all acknowledged. Agent 1: two batches, the second never acknowledged.
  const journal = () =>
    parseJournal(
      [
        "G 0 1 1000 100",
        "A 0 1 0 5",
        "G 0 2 11000 100",
        "A 0 2 0 6",
        "G 0 3 21000 100",
        "A 0 3 1 7",
        "G 1 1 2000 100",
        "A 1 1 0 8",
        "G 1 2 12000 100",
        "",
      ].join("\n"),
    );

  it("finds nothing wrong when every batch is stored once", () => {
    const stored = new Map([
      [
        "bench-00000",
        new Map([
          [1000, 100],
          [11000, 100],
          [21000, 100],
        ]),
      ],
      [
        "bench-00001",
        new Map([
          [2000, 100],
          [12000, 100],
        ]),
      ],
    ]);
    expect(accountSamples(journal(), stored, agentId)).toEqual({
      batchesSent: 5,
      samplesSent: 500,
      samplesStored: 500,
      samplesDuplicated: 0,
      samplesLost: 0,
      samplesLostAfterAck: 0,
      batchesUnacked: 1,
      duplicateAcks: 1,
    });
  });

  it("tells loss after an acknowledgement from an unacknowledged batch, and counts rows nobody sent as duplicated", () => {
    const stored = new Map([
      [
        "bench-00000",
        new Map([
          [1000, 100],
          [11000, 60],
          [21000, 100],
          [31000, 100],
        ]),
      ],
      ["bench-00001", new Map([[2000, 100]])],
      ["bench-00009", new Map([[5000, 7]])],
    ]);
    const r = accountSamples(journal(), stored, agentId);
    expect(r.samplesStored).toBe(360);
    expect(r.samplesLost).toBe(140);
    expect(r.samplesLostAfterAck).toBe(40);
    expect(r.samplesDuplicated).toBe(107);
    expect(r.batchesUnacked).toBe(1);
  });

  it("counts extra rows at a batch's own timestamp as duplicated", () => {
    const r = accountSamples(parseJournal("G 0 1 1000 100\nA 0 1 0 5\n"), new Map([["bench-00000", new Map([[1000, 130]])]]), agentId);
    expect([r.samplesStored, r.samplesDuplicated, r.samplesLost]).toEqual([100, 30, 0]);
  });
});

describe("alert accounting per channel", () => {
  const expected = ["h1/gpu0/firing", "h1/gpu0/resolved", "h2/gpu0/firing", "h2/gpu0/resolved"];

  it("counts each transition once however it was grouped", () => {
    const r = accountChannel(expected, [
      { keys: ["h1/gpu0/firing", "h2/gpu0/firing"] },
      { keys: ["h1/gpu0/resolved"] },
      { keys: ["h2/gpu0/resolved"] },
    ]);
    expect(r).toEqual({ expected: 4, delivered: 4, duplicated: 0, redelivered: 0, unexpected: 0, lost: 0 });
  });

  it("treats the same delivery id again as a redelivery, another message with the same transition as a duplicate", () => {
    const r = accountChannel(expected, [
      { deliveryId: "vigil-1", keys: ["h1/gpu0/firing"] },
      { deliveryId: "vigil-1", keys: ["h1/gpu0/firing"] },
      { deliveryId: "vigil-2", keys: ["h1/gpu0/firing", "h1/gpu0/resolved"] },
      { deliveryId: "vigil-3", keys: ["pool-not-online:h9/gpu?/firing"] },
    ]);
    expect(r).toEqual({ expected: 4, delivered: 2, duplicated: 1, redelivered: 1, unexpected: 1, lost: 2 });
  });

  it("takes nearest-rank percentiles", () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect([percentile(xs, 50), percentile(xs, 99), percentile(xs, 10)]).toEqual([5, 10, 1]);
    expect(percentile([], 50)).toBeNaN();
  });
});
