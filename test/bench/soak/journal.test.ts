import { describe, expect, it } from "vitest";
import { ackedLine, generatedLine, lastSequence, parseJournal, unacknowledged } from "../../../bench/soak/journal.ts";

describe("the soak worker's journal", () => {
  const text = [
    generatedLine({ agent: 3, sequence: 1, sealedAt: 1_000, samples: 100 }),
    generatedLine({ agent: 3, sequence: 2, sealedAt: 11_000, samples: 100 }),
    ackedLine(3, 1, false, 12.34),
    generatedLine({ agent: 4, sequence: 1, sealedAt: 2_000, samples: 100 }),
    generatedLine({ agent: 3, sequence: 3, sealedAt: 21_000, samples: 100 }),
    ackedLine(3, 3, true, 40),
    'S {"pid":1,"failures":{},"unsent":0}\n',
    // A worker killed in the middle of a write leaves a torn last line.
    "G 4 2 120",
  ].join("");

  it("writes one line per event", () => {
    expect(generatedLine({ agent: 3, sequence: 2, sealedAt: 11_000, samples: 100 })).toBe("G 3 2 11000 100\n");
    expect(ackedLine(3, 1, true, 12.34)).toBe("A 3 1 1 12.3\n");
  });

  it("reads generated and acknowledged batches, skipping the torn line and the status line", () => {
    const j = parseJournal(text);
    expect([...j.agents.keys()]).toEqual([3, 4]);
    expect([...(j.agents.get(3)?.generated.keys() ?? [])]).toEqual([1, 2, 3]);
    expect([...(j.agents.get(3)?.acked ?? [])]).toEqual([1, 3]);
    expect([...(j.agents.get(4)?.generated.keys() ?? [])]).toEqual([1]);
    expect(j.duplicateAcks).toBe(1);
    expect(j.latenciesMs).toEqual([12.3, 40]);
  });

  it("gives a restarted worker what to resend, oldest first, and where its sequence resumes", () => {
    const j = parseJournal(text);
    expect(unacknowledged(j.agents.get(3) as NonNullable<ReturnType<typeof j.agents.get>>)).toEqual([
      { agent: 3, sequence: 2, sealedAt: 11_000, samples: 100 },
    ]);
    expect(lastSequence(j.agents.get(3))).toBe(3);
    expect(lastSequence(j.agents.get(4))).toBe(1);
    expect(lastSequence(undefined)).toBe(0);
  });

  it("adds several workers' files into one journal", () => {
    const j = parseJournal("G 1 1 5 10\nA 1 1 0 3\n");
    parseJournal("G 2 1 6 10\n", j);
    expect([...j.agents.keys()]).toEqual([1, 2]);
    expect(j.latenciesMs).toEqual([3]);
  });
});
