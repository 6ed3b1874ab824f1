import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|kB|KB|MB|GB|KiB|MiB|GiB)?$/;
const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Parses "200MB", "1.5GiB", "512KiB"; a bare number is bytes. Returns bytes or null. */
export function parseByteSize(value: string | number): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const m = SIZE.exec(value.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNIT_BYTES[m[2] ?? "B"] ?? Number.NaN));
}

/** A size in config, as bytes after parsing. */
export function byteSize(opts: { min: number; minText: string }) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === null) {
      ctx.addIssue({ code: "custom", message: 'expected a size such as "200MB", "1GiB" or a number of bytes', input: value });
      return z.NEVER;
    }
    if (bytes < opts.min) {
      ctx.addIssue({ code: "custom", message: `expected a size of at least ${opts.minText}`, input: value });
      return z.NEVER;
    }
    return bytes;
  });
}

export const DEFAULT_SAMPLES_RETENTION_MS = 7 * 86_400_000;
export const DEFAULT_SAMPLES_MAX_BYTES = 200_000_000;
export const DEFAULT_OUTBOX_MAX_BYTES = 100_000_000;

/** The `store` section of the agent's config: how much the local database keeps. */
export const storeConfigSchema = z.strictObject({
  /** Local history of samples: kept this long... */
  samplesRetention: duration({ min: "1h" }).default(DEFAULT_SAMPLES_RETENTION_MS),
  /** ...and at most this much (the oldest go first). */
  samplesMaxBytes: byteSize({ min: 1_000_000, minText: "1MB" }).default(DEFAULT_SAMPLES_MAX_BYTES),
  /**
   * Unsent batches (gzip-compressed) kept while the hub is unreachable; past it the oldest are
   * dropped, counted and logged. 100 MB holds weeks of a typical host's batches (docs/configuration.md).
   */
  outboxMaxBytes: byteSize({ min: 4_000, minText: "4kB" }).default(DEFAULT_OUTBOX_MAX_BYTES),
});
