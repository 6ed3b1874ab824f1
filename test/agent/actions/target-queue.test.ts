import { describe, expect, it } from "vitest";
import { TargetQueue } from "../../../agent/actions/target-queue.ts";

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("TargetQueue", () => {
  it("runs requests for one target one after another, in arrival order", async () => {
    const q = new TargetQueue(4);
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((g, i) =>
      q.run("unit:ollama-gpu.service", async () => {
        log.push(`start ${i}`);
        await g.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await Promise.resolve();
    expect(log).toEqual(["start 0"]);
    expect(q.waiting("unit:ollama-gpu.service")).toBe(2);
    gates[2]?.resolve();
    gates[1]?.resolve();
    gates[0]?.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
    expect(q.busy("unit:ollama-gpu.service")).toBe(false);
  });

  it("runs different targets side by side", async () => {
    const q = new TargetQueue(4);
    const gate = deferred();
    const started: string[] = [];
    const a = q.run("a", async () => {
      started.push("a");
      await gate.promise;
    });
    const b = q.run("b", async () => {
      started.push("b");
    });
    await b;
    expect(started).toEqual(["a", "b"]);
    gate.resolve();
    await a;
  });

  it("turns a request away only when maxQueued already wait, and goes on after a failure", async () => {
    const q = new TargetQueue(1);
    const gate = deferred();
    const first = q.run("t", async () => {
      await gate.promise;
      throw new Error("boom");
    });
    const second = q.run("t", async () => "second");
    expect(second).toBeDefined();
    expect(q.run("t", async () => "third")).toBeUndefined();
    gate.resolve();
    await expect(first).rejects.toThrow("boom");
    expect(await second).toBe("second");
    expect(await q.run("t", async () => "fourth")).toBe("fourth");
  });
});
