import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";

/**
 * The hub's `backup` section (docs/operations.md): with it, the hub backs its database up on its own.
 * Without it, nothing is scheduled (`vigil-hub backup FILE` from cron works either way).
 */
export const backupConfigSchema = z
  .strictObject({
    /** How often; the next backup is due this long after the newest one in `directory`, so restarts do not postpone it. */
    interval: duration({ min: "1m", max: "30d" }).default(24 * 3_600_000),
    /** Where backups go, as hub-<UTC time>.sqlite[.gz]; best on another disk than dataDir. Created if missing. */
    directory: z.string({ error: "expected the directory for backups, such as /var/backups/vigil" }).min(1),
    /** How many backups to keep; older ones in `directory` are deleted after each successful backup. */
    keep: z.int().min(1).max(10_000).default(7),
    /** gzip level 1: a third of the size for about twice the time of the copy and its check. */
    gzip: z.boolean().default(true),
  })
  .optional();

export type BackupConfig = NonNullable<z.infer<typeof backupConfigSchema>>;
