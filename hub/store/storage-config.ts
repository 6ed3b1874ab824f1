import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";
import { DEFAULT_STORAGE, type StorageOptions } from "./storage-options.ts";

const d = DEFAULT_STORAGE;

/** The `storage` section of the hub's config (docs/configuration.md). */
export const storageConfigSchema = z
  .strictObject({
    retention: z
      .strictObject({
        /** Raw samples, as pushed. */
        raw: duration({ min: "1h" }).default(d.retention.rawMs),
        /** 1-minute rollups (min, max, avg, last). */
        rollup1m: duration({ min: "1h" }).default(d.retention.rollup1mMs),
        /** 1-hour rollups. */
        rollup1h: duration({ min: "1h" }).default(d.retention.rollup1hMs),
      })
      .prefault({})
      .superRefine((r, ctx) => {
        // Each resolution is rolled up from the finer one, so the finer one must not expire first.
        if (r.rollup1m < r.raw) ctx.addIssue({ code: "custom", path: ["rollup1m"], message: "must be at least storage.retention.raw" });
        if (r.rollup1h < r.rollup1m)
          ctx.addIssue({ code: "custom", path: ["rollup1h"], message: "must be at least storage.retention.rollup1m" });
      }),
    /** A minute is rolled up once it ended this long ago; samples arriving later are rolled up again. */
    rollupDelay: duration({ min: "0s", max: "1h" }).default(d.rollupDelayMs),
    /** SQLite page cache in MiB. */
    cacheMiB: z.int().min(2).max(65_536).default(d.cacheMiB),
    /** Group commit: the longest a pushed batch waits for the transaction that stores it. */
    commitInterval: duration({ min: "0ms", max: "1s" }).default(5),
    /** Samples waiting for their commit beyond which pushes are answered 503 with Retry-After. */
    maxQueuedSamples: z.int().min(1000).max(100_000_000).default(1_000_000),
  })
  .prefault({});

export type StorageConfig = z.infer<typeof storageConfigSchema>;

/** The store's options from the config's `storage` section and `dedupWindow`. */
export function storageOptionsFrom(storage: StorageConfig, dedupWindowMs: number): StorageOptions {
  return {
    retention: {
      rawMs: storage.retention.raw,
      rollup1mMs: storage.retention.rollup1m,
      rollup1hMs: storage.retention.rollup1h,
      batchIdsMs: dedupWindowMs,
    },
    rollupDelayMs: storage.rollupDelay,
    cacheMiB: storage.cacheMiB,
  };
}
