import { z } from "zod";
import { duration, secret } from "../../shared/config/schema-helpers.ts";

/** `actions` in the hub's config: signing, timing, and who may ask for actions (docs/actions.md). */
export const hubActionsConfigSchema = z
  .strictObject({
    /** The hub's Ed25519 private key (PKCS#8 PEM, mode 0600); created at first start. Default: <dataDir>/action-signing.key */
    signingKeyFile: z.string().min(1).optional(),
    /** How long a signed request stays valid: an agent that has not fetched it by then never runs it. */
    requestTtl: duration({ min: "1s", max: "1h" }).default(120_000),
    /** How long POST /api/v1/actions waits for the result when the request does not say (then answers 202). */
    resultWait: duration({ min: "0s", max: "10m" }).default(8_000),
    /** How long an agent's long poll is held open when nothing is queued for it. */
    pollTimeout: duration({ min: "1s", max: "2m" }).default(25_000),
    /**
     * How long a request handed to an agent's poll waits for the agent to confirm it (its next poll's
     * ack) before it goes back to the queue for the next poll: a poll's answer can be lost in a
     * half-open connection. Keep it well under requestTtl.
     */
    confirmTimeout: duration({ min: "500ms", max: "1m" }).default(5_000),
    /**
     * People (and tools) who may ask for actions, each with a token and a role: `operator` runs safe
     * and caution actions, `admin` also danger ones. The tokens of auth.adminTokens act as admins named
     * "admin". With no token of either kind, only requests from the hub's own machine are accepted (as "local", admin).
     */
    operators: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/, { error: "expected 1-64 letters, digits, '.', '_', '@' or '-'" }),
          token: secret,
          role: z.enum(["operator", "admin"], { error: 'expected "operator" or "admin"' }).default("operator"),
        }),
      )
      .default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.operators.forEach((o, i) => {
      if (seen.has(o.name))
        ctx.addIssue({ code: "custom", path: ["operators", i, "name"], message: `operator "${o.name}" is listed twice` });
      seen.add(o.name);
    });
  });
