import type { Hono } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { parseEnvelope, wrap } from "../../shared/protocol/envelope.ts";
import { issuesToText } from "../../shared/validation/issues.ts";
import type { HubStore } from "../store/hub-store.ts";
import { checkAgentToken } from "./agent-auth.ts";
import { type BodyLimits, readJsonBody } from "./read-body.ts";

export interface IngestRouteOptions {
  store: HubStore;
  agentTokens: readonly Secret[];
  limits: BodyLimits;
  logger: Logger;
  now: () => number;
  /** Called after a batch is stored for the first time (rules, live updates hook in here). */
  onStored?: (agentId: string, storedSamples: number) => void;
}

/**
 * POST /api/v1/ingest: authenticate, read within limits, validate against the shared schema,
 * store idempotently, acknowledge by sequence. Nothing is written unless the whole batch is valid.
 */
export function registerIngestRoute(app: Hono, o: IngestRouteOptions): void {
  app.post("/api/v1/ingest", async (c) => {
    checkAgentToken(c.req.header("authorization"), o.agentTokens);
    const body = await readJsonBody(c.req.raw, o.limits);
    const parsed = parseEnvelope("sample_batch", body);
    if (!parsed.ok) {
      const first = parsed.issues[0];
      throw new ApiError(400, "INGEST_SCHEMA", `invalid batch: ${issuesToText(parsed.issues.slice(0, 5))}`, {
        ...(first ? { field: first.path } : {}),
        issues: parsed.issues.slice(0, 50),
      });
    }
    const batch = parsed.value.payload;
    const outcome = o.store.ingest(batch, o.now());
    if (outcome.duplicate) {
      o.logger.debug("duplicate batch acknowledged", { agentId: batch.host.agentId, sequence: batch.sequence });
    } else {
      o.onStored?.(batch.host.agentId, outcome.storedSamples);
    }
    return c.json(
      wrap("ingest_ack", {
        agentId: batch.host.agentId,
        bootId: batch.host.bootId,
        sequence: batch.sequence,
        duplicate: outcome.duplicate,
        storedSamples: outcome.storedSamples,
        storedStates: outcome.storedStates,
      }),
    );
  });
}
