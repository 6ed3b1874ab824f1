import { join } from "node:path";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { DEFAULT_STORAGE, type StorageOptions } from "../../../hub/store/storage-options.ts";
import { type SampleBatch, sampleBatch } from "../../../shared/protocol/sample-batch.ts";

/** 2026-09-21T23:00:00Z: a whole hour, so minute and hour buckets start at round numbers. */
export const T0 = 1_790_031_600_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export function openStore(dir: string, options: Partial<StorageOptions> = {}): HubStore {
  return new HubStore(join(dir, "hub.sqlite"), { ...DEFAULT_STORAGE, ...options });
}

export interface SampleSpec {
  name?: string;
  labels?: Record<string, string>;
  t: number;
  value: number;
}

/** A validated batch, as the ingest route hands it to the store. */
export function makeBatch(o: {
  agentId?: string;
  bootId?: string;
  sequence: number;
  samples: SampleSpec[];
  states?: Array<{ name: string; labels?: Record<string, string>; t: number; state: string }>;
}): SampleBatch {
  return sampleBatch.parse({
    host: { agentId: o.agentId ?? "gpu-box", hostname: "gpu-box.lan", labels: {}, agentVersion: "0.1.0", bootId: o.bootId ?? "boot-1" },
    sequence: o.sequence,
    sealedAt: Math.max(0, ...o.samples.map((s) => s.t)),
    pushIntervalMs: 10_000,
    samples: o.samples.map((s) => ({ name: s.name ?? "vigil_load1", labels: s.labels ?? {}, timestamp: s.t, value: s.value })),
    states: (o.states ?? []).map((s) => ({ name: s.name, labels: s.labels ?? {}, timestamp: s.t, state: s.state })),
  });
}

export function count(store: HubStore, table: string): number {
  return store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

/** A deterministic pseudo-random sequence (the same values on every run). */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}
