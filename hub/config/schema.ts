import { z } from "zod";
import { duration, listenAddress, logLevel, secret } from "../../shared/config/schema-helpers.ts";

export const DEFAULT_HUB_LISTEN = "127.0.0.1:9470";

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The hub's configuration file (YAML). Every key is optional; unknown keys are errors. */
export const hubConfigSchema = z
  .strictObject({
    listen: listenAddress.prefault(DEFAULT_HUB_LISTEN),
    /** Where the hub keeps hub.sqlite (WAL). */
    dataDir: z.string().min(1).default("./data"),
    /** The URL people use to reach the hub, for links in notifications. */
    publicUrl: z.url().optional(),
    auth: z
      .strictObject({
        /** Bearer tokens accepted on /api/v1/ingest. Required when listening beyond loopback. */
        agentTokens: z.array(secret).default([]),
      })
      .prefault({}),
    hosts: z
      .strictObject({
        /** A host is `down` after this many push intervals without a batch. */
        downAfterMissedPushes: z.int().min(1).max(100).default(3),
      })
      .prefault({}),
    ingest: z
      .strictObject({
        /** Largest request body accepted, as sent (compressed). */
        maxBodyBytes: z
          .int()
          .min(1024)
          .default(8 * 1024 * 1024),
        /** Largest body after gzip decompression (guards against compression bombs). */
        maxDecompressedBytes: z
          .int()
          .min(1024)
          .default(64 * 1024 * 1024),
      })
      .prefault({}),
    /** How long the hub remembers which batches it has stored, for duplicate detection. */
    dedupWindow: duration({ min: "1h" }).default(7 * 86_400_000),
    log: z.strictObject({ level: logLevel.default("info") }).prefault({}),
  })
  .superRefine((cfg, ctx) => {
    if (!isLoopback(cfg.listen.host) && cfg.auth.agentTokens.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "agentTokens"],
        message: `at least one agent token is required when listening on ${cfg.listen.host} (beyond loopback)`,
      });
    }
  });

export type HubConfigInput = z.input<typeof hubConfigSchema>;
