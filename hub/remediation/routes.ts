import type { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../shared/http/api-error.ts";
import { agentId } from "../../shared/protocol/primitives.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";
import { authenticateOperator, type OperatorAuthOptions } from "../actions/operator-auth.ts";
import type { RemediationOverview } from "./api.ts";
import type { RemediationService } from "./remediation-service.ts";

export interface RemediationRoutesOptions extends OperatorAuthOptions {
  remediation: RemediationService;
}

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  rule: z.string().min(1).max(200).optional(),
  host: agentId.optional(),
});

/**
 * GET /api/v1/remediation[?limit=&rule=&host=]: whether remediation is on, the rules that have it
 * with their limits, and the newest runs, pauses and escalations. Read with the same tokens as the
 * action log (it shows what ran where, and a line of its output).
 */
export function registerRemediationRoutes(app: Hono, o: RemediationRoutesOptions): void {
  app.get("/api/v1/remediation", async (c) => {
    await authenticateOperator(c, o);
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) {
      const first = toFieldIssues(parsed.error.issues)[0];
      throw new ApiError(400, "REMEDIATION_QUERY_INVALID", `invalid query: ${first ? `${first.path}: ${first.message}` : "invalid"}`, {
        ...(first ? { field: first.path } : {}),
      });
    }
    const { limit, rule, host } = parsed.data;
    return c.json(o.remediation.overview({ limit, rule, hostId: host }) satisfies RemediationOverview);
  });
}
