import { describe, expect, it } from "vitest";
import { GroupCommit, GroupCommitBusyError } from "../../hub/ingest/group-commit.ts";
import type { BatchResult, ReceivedBatch } from "../../hub/store/hub-store.ts";
import { makeBatch, T0 } from "./store/helpers.ts";

const stored = (n: number): BatchResult => ({
  ok: true,
  outcome: { duplicate: false, storedSamples: n, storedStates: 0, tooOldSamples: 0 },
});

function batchOf(sequence: number, samples: number) {
  return makeBatch({ sequence, samples: Array.from({ length: samples }, (_, i) => ({ t: T0 + i, value: i })) });
}

/** A GroupCommit over a recording writer; `events` shows the order of writes and answers. */
function recording(
  o: {
    intervalMs?: number;
    groupSamples?: number;
    maxQueuedSamples?: number;
    write?: (items: readonly ReceivedBatch[]) => BatchResult[];
  } = {},
) {
  const groups: number[][] = [];
  const events: string[] = [];
  const commits = new GroupCommit({
    intervalMs: o.intervalMs ?? 5,
    groupSamples: o.groupSamples ?? 10_000,
    maxQueuedSamples: o.maxQueuedSamples ?? 100_000,
    write: (items) => {
      groups.push(items.map((i) => i.batch.sequence));
      events.push(`write ${items.map((i) => i.batch.sequence).join(",")}`);
      return o.write ? o.write(items) : items.map((i) => stored(i.batch.samples.length));
    },
  });
  const submit = (seq: number, samples = 1) =>
    commits.submit(batchOf(seq, samples), T0).then((r) => {
      events.push(`ack ${seq}`);
      return r;
    });
  return { commits, groups, events, submit };
}

describe("group commit", () => {
  it("writes the batches of concurrent requests in one transaction, and answers each after it", async () => {
    const { groups, events, submit } = recording();
    const outcomes = await Promise.all([submit(1, 3), submit(2, 5), submit(3, 1)]);
    expect(groups).toEqual([[1, 2, 3]]);
    expect(outcomes.map((o) => o.storedSamples)).toEqual([3, 5, 1]);
    // No request is answered before the transaction holding its batch has run.
    expect(events).toEqual(["write 1,2,3", "ack 1", "ack 2", "ack 3"]);
  });

  it("writes at once when the queue reaches groupSamples or the hub was idle, else after the interval", async () => {
    const slow = recording({ intervalMs: 60_000, groupSamples: 100 });
    const started = Date.now();
    await Promise.all([slow.submit(1, 60), slow.submit(2, 60)]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slow.groups).toEqual([[1, 2]]);

    // An idle hub writes at once; right after a commit, a batch waits for the interval to gather others.
    const timed = recording({ intervalMs: 200 });
    const t0 = performance.now();
    await timed.submit(1);
    expect(performance.now() - t0).toBeLessThan(150);
    const t1 = performance.now();
    await Promise.all([timed.submit(2), timed.submit(3)]);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(150);
    expect(timed.groups).toEqual([[1], [2, 3]]);
    expect(timed.commits.pending).toEqual({ batches: 0, samples: 0 });
  });

  it("writes a queue larger than groupSamples in several transactions, oldest first, letting the event loop run between", async () => {
    const { groups, events, submit } = recording({ groupSamples: 100 });
    const all = [1, 2, 3, 4, 5].map((seq) => submit(seq, 60));
    setImmediate(() => events.push("event loop"));
    await Promise.all(all);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
    expect(events.filter((e) => !e.startsWith("ack"))).toEqual(["write 1,2", "event loop", "write 3,4", "write 5"]);
  });

  it("refuses with GroupCommitBusyError when the queue is full, and accepts again once written", async () => {
    const { commits, submit, groups } = recording({ maxQueuedSamples: 100 });
    const first = submit(1, 80);
    await expect(submit(2, 30)).rejects.toBeInstanceOf(GroupCommitBusyError);
    expect(commits.pending).toEqual({ batches: 1, samples: 80 });
    await first;
    // An empty queue takes any batch, even one larger than the limit, so no batch is refused forever.
    await expect(submit(3, 150)).resolves.toMatchObject({ storedSamples: 150 });
    expect(groups).toEqual([[1], [3]]);
  });

  it("fails every request of a group whose commit fails, and only the one batch that failed alone", async () => {
    const failing = recording({
      write: () => {
        throw new Error("disk I/O error");
      },
    });
    const all = await Promise.allSettled([failing.submit(1), failing.submit(2)]);
    expect(all.map((r) => r.status === "rejected" && String(r.reason))).toEqual(["Error: disk I/O error", "Error: disk I/O error"]);

    const one = recording({
      write: (items) => items.map((i) => (i.batch.sequence === 2 ? { ok: false, error: new Error("batch 2 failed") } : stored(1))),
    });
    const mixed = await Promise.allSettled([one.submit(1), one.submit(2), one.submit(3)]);
    expect(mixed.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(one.groups).toEqual([[1, 2, 3]]);
  });
});
