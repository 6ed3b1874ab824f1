import { z } from "zod";
import { duration, listenAddress, logLevel, secret } from "../../shared/config/schema-helpers.ts";
import { agentId } from "../../shared/protocol/primitives.ts";
import { storageConfigSchema } from "../store/storage-config.ts";
import { notifyConfigSchema } from "../notify/config-schema.ts";
import { builtinRulesSection, checkRuleNames, rulesSection } from "../rules/rules-config.ts";
import { hubActionsConfigSchema } from "../actions/config.ts";
import { failoverConfigSchema } from "../failover/config.ts";
import { backupConfigSchema } from "../maintenance/backup-config.ts";
import { mcpConfigSchema } from "../mcp/config.ts";
import { checkRemediationRefs, remediationSection } from "../remediation/config.ts";
import { uiConfigSchema } from "../ui/ui-config.ts";
import { telemetryConfigSchema } from "../../shared/telemetry/config.ts";

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
        /** Shared agent tokens: any holder may push as any agent id (development, small trusted networks). */
        agentTokens: z.array(secret).default([]),
        /** Tokens bound to one agent id each (docs/configuration.md, "Hub authentication"). */
        agents: z.array(z.strictObject({ id: agentId, token: secret })).default([]),
        /** Tokens an agent presents to POST /api/v1/enroll to get its own bound token. */
        enrollmentTokens: z.array(secret).default([]),
        /** Tokens for the admin API (vigil hosts add/remove). With none, admin calls are accepted from loopback only. */
        adminTokens: z.array(secret).default([]),
        /** Tokens for reading the API and the dashboard (the viewer role). With none, reading is open as before (docs/dashboard.md). */
        viewerTokens: z.array(secret).default([]),
      })
      .prefault({}),
    /** Agents the hub scrapes (pull mode) instead of waiting for their pushes. */
    pull: z
      .strictObject({
        /** How many agents are scraped at the same time. */
        concurrency: z.int().min(1).max(256).default(8),
        /** Limit for one agent's whole scrape (every page of it). */
        timeout: duration({ min: "100ms", max: "10m" }).default(10_000),
        /** How often each agent is scraped. */
        interval: duration({ min: "1s", max: "1h" }).default(10_000),
        /** Most pages (of up to 100 batches) taken from one agent per scrape; the rest waits for the next one. */
        maxPagesPerScrape: z.int().min(1).max(1000).default(10),
        agents: z
          .array(
            z.strictObject({
              id: agentId,
              url: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }),
              token: secret,
            }),
          )
          .default([]),
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
    /** Retention, rollups and group commit (hub/store/storage-config.ts). */
    storage: storageConfigSchema,
    /** Whitelisted remote actions: signing, timing, operators (docs/actions.md). */
    actions: hubActionsConfigSchema.prefault({}),
    log: z.strictObject({ level: logLevel.default("info") }).prefault({}),
    /** Notification channels, routes from alerts to them, and delivery (docs/notifications.md). */
    notify: notifyConfigSchema.prefault({}),
    /** Alert rules of your own (docs/alerts.md). */
    rules: rulesSection,
    /** Built-in rules to change or disable, by name: `false` or the settings to change (docs/alerts.md). */
    builtinRules: builtinRulesSection,
    /** Failover groups: members, checks, leases, the proxy (docs/failover.md). */
    failover: failoverConfigSchema.prefault({}),
    /** Scheduled backups of hub.sqlite: interval, directory, keep (docs/operations.md). None without this section. */
    backup: backupConfigSchema,
    /** Automatic remediation: the actions rules may run, with their risk classes, and the limits (docs/remediation.md). */
    remediation: remediationSection,
    /** The dashboard at /ui/ (docs/dashboard.md). */
    ui: uiConfigSchema.prefault({}),
    /** The MCP server for AI assistants: client tokens, danger actions they may ask for, runbooks (docs/mcp.md). */
    mcp: mcpConfigSchema.prefault({}),
    /** OpenTelemetry traces over OTLP/gRPC; off without an endpoint (docs/telemetry.md). */
    telemetry: telemetryConfigSchema,
  })
  .superRefine((cfg, ctx) => {
    const { agentTokens, agents, enrollmentTokens, adminTokens } = cfg.auth;
    if (!isLoopback(cfg.listen.host) && agentTokens.length + agents.length + enrollmentTokens.length + adminTokens.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "agentTokens"],
        message:
          `at least one agent token is required when listening on ${cfg.listen.host} (beyond loopback): ` +
          "set auth.agents, auth.agentTokens, auth.enrollmentTokens or auth.adminTokens",
      });
    }
    duplicateIds(cfg.auth.agents, ["auth", "agents"], ctx);
    duplicateIds(cfg.pull.agents, ["pull", "agents"], ctx);
    checkRuleNames(cfg.rules, ctx);
    checkRemediationRefs(cfg, ctx);
  });

function duplicateIds(list: ReadonlyArray<{ id: string }>, path: string[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    if (seen.has(entry.id)) ctx.addIssue({ code: "custom", path: [...path, i, "id"], message: `agent id "${entry.id}" is listed twice` });
    seen.add(entry.id);
  });
}

export type HubConfigInput = z.input<typeof hubConfigSchema>;
