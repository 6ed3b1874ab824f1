import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FUZZ_KINDS, makeFuzzRequest, MUTATIONS, seededRandom } from "../../../bench/soak/fuzz-cases.ts";
import { SimulatedHost } from "../../../bench/hub-batch.ts";
import { parseEnvelope } from "../../../shared/protocol/envelope.ts";

const limits = { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 };

describe("the soak's bad requests", () => {
  it("starts from a batch the hub's schema accepts", () => {
    const valid = new SimulatedHost(1).nextBatch(Date.UTC(2026, 10, 23), 10_000);
    expect(parseEnvelope("sample_batch", JSON.parse(JSON.stringify(valid))).ok).toBe(true);
  });

  it.each(MUTATIONS.map(([name]) => name))("mutation %s makes the batch invalid wherever it lands", (name) => {
    const apply = MUTATIONS.find(([n]) => n === name)?.[1] as (typeof MUTATIONS)[number][1];
    for (const index of [0, 57, 99]) {
      const e = JSON.parse(JSON.stringify(new SimulatedHost(2).nextBatch(Date.UTC(2026, 10, 23), 10_000)));
      apply(e, index);
      expect(parseEnvelope("sample_batch", JSON.parse(JSON.stringify(e))).ok).toBe(false);
    }
  });

  it("makes every kind, each as described, from a seed", () => {
    const random = seededRandom(7);
    const seen = new Map<string, ReturnType<typeof makeFuzzRequest>>();
    for (let i = 0; i < 300; i++) {
      const r = makeFuzzRequest(random, "tok", limits, i + 1);
      seen.set(r.kind.split(":")[0] as string, r);
    }
    expect([...seen.keys()].sort()).toEqual([...FUZZ_KINDS].sort());
    expect(seen.get("no-token")?.headers.authorization).toBeUndefined();
    expect(seen.get("wrong-token")?.headers.authorization).toBe("Bearer tokx");
    expect(seen.get("oversized")?.body.length).toBeGreaterThan(limits.maxBodyBytes);
    const bomb = seen.get("gzip-bomb")?.body as Buffer;
    expect(bomb.length).toBeLessThan(limits.maxBodyBytes);
    expect(gunzipSync(bomb).length).toBeGreaterThan(limits.maxDecompressedBytes);
    expect(() => JSON.parse(gunzipSync(seen.get("malformed-json")?.body as Buffer).toString())).toThrow();
    expect(() => gunzipSync(seen.get("truncated-gzip")?.body as Buffer)).toThrow();
    const host = (JSON.parse(gunzipSync(seen.get("no-token")?.body as Buffer).toString()) as { payload: { host: { agentId: string } } })
      .payload.host;
    expect(host.agentId).toBe("fuzz-00000");
  });

  it("repeats the same sequence for the same seed", () => {
    const kinds = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, (_, i) => makeFuzzRequest(random, "t", limits, i).kind);
    };
    expect(kinds(3)).toEqual(kinds(3));
    expect(kinds(3)).not.toEqual(kinds(4));
  });
});
