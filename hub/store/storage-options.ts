import type { RetentionPolicy } from "./retention.ts";

/** How the hub keeps data: retention per resolution, the rollup delay and SQLite's page cache. */
export interface StorageOptions {
  retention: RetentionPolicy;
  /** A minute is rolled up once it ended this long ago; later samples are rolled up again as late data. */
  rollupDelayMs: number;
  /** SQLite page cache, in MiB. */
  cacheMiB: number;
}

const DAY_MS = 86_400_000;

/** The defaults, shared by the config schema (storage.*) and stores opened without options (tests, tools). */
export const DEFAULT_STORAGE: StorageOptions = {
  retention: { rawMs: 2 * DAY_MS, rollup1mMs: 30 * DAY_MS, rollup1hMs: 365 * DAY_MS, batchIdsMs: 7 * DAY_MS },
  rollupDelayMs: 60_000,
  cacheMiB: 64,
};
