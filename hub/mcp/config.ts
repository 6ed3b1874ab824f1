import { z } from "zod";
import type { ResolvedSecrets } from "../../shared/config/load-config.ts";
import { duration, secret } from "../../shared/config/schema-helpers.ts";
import { actionName, agentId } from "../../shared/protocol/primitives.ts";

/** Runbook notes are read whole by an assistant: a few pages, not a manual. */
export const MAX_RUNBOOK_CHARS = 64 * 1024;

const runbook = z.string().max(MAX_RUNBOOK_CHARS, { error: `expected markdown of at most ${MAX_RUNBOOK_CHARS} characters` });

/**
 * `mcp` in the hub's config: the Model Context Protocol server at /mcp (and behind `vigil mcp`), see
 * docs/mcp.md. Assistants see everything the read API shows; they may run safe actions, caution
 * actions with a reason, and danger actions only where `dangerActions` lists them, and then only
 * after a person confirms each request.
 */
export const mcpConfigSchema = z
  .strictObject({
    /** false: /mcp answers 404 MCP_DISABLED. */
    enabled: z.boolean().default(true),
    /**
     * Assistants, each with its own token and a name that every audit records (`mcp:<name>`). With none
     * here and no auth.adminTokens, /mcp is open to the hub's own machine only, as "local".
     */
    clients: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, { error: "expected 1-64 letters, digits, '.', '_' or '-'" }),
          token: secret,
        }),
      )
      .default([]),
    /**
     * Danger actions an assistant may *ask* for; each request waits for a person to confirm it
     * (`vigil mcp confirm <id>`). Any danger action not listed is refused through MCP. `host` absent: on every host.
     */
    dangerActions: z.array(z.strictObject({ host: agentId.optional(), action: actionName })).default([]),
    /** How long a danger request waits for its confirmation before it expires. */
    confirmTtl: duration({ min: "1m", max: "1d" }).default(15 * 60_000),
    /** Markdown per host id: the danger zones and habits of that machine, served as the resource vigil://runbook/<host>. */
    runbooks: z.record(agentId, runbook).default({}),
    /** Markdown for every host (vigil://runbook/fleet). */
    fleetRunbook: runbook.optional(),
    /** How long rows of the MCP call audit are kept. */
    auditRetention: duration({ min: "1d" }).default(90 * 86_400_000),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.clients.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: "custom", path: ["clients", i, "name"], message: `client "${c.name}" is listed twice` });
      names.add(c.name);
    });
  });

export type McpConfigInput = z.input<typeof mcpConfigSchema>;
/** The section after loading: defaults applied, tokens resolved. */
export type McpSettings = ResolvedSecrets<z.output<typeof mcpConfigSchema>>;
