import type { Context, Hono } from "hono";
import { ApiError, type ErrorBody } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { parseEnvelope, wrap } from "../../shared/protocol/envelope.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import { issuesToText } from "../../shared/validation/issues.ts";
import { annotateSpan, tracingEnabled, withSpan } from "../../shared/telemetry/tracer.ts";
import type { HubStore } from "../store/hub-store.ts";
import { assertMaySendAs } from "./agent-auth.ts";
import { fastCheckBatchEnvelope } from "./fast-batch-check.ts";
import { type CommitStats, GroupCommit, GroupCommitBusyError } from "./group-commit.ts";
import { type BodyLimits, readJsonBody } from "./read-body.ts";

export interface IngestRouteOptions {
  store: HubStore;
  limits: BodyLimits;
  /** Group commit: the longest a batch waits for its transaction, and the queue limit (storage.*). */
  commit: { intervalMs: number; maxQueuedSamples: number };
  logger: Logger;
  now: () => number;
  /** Called after a batch is stored for the first time (rules, live updates hook in here). */
  onStored?: (agentId: string, storedSamples: number) => void;
  onCommit?: (stats: CommitStats) => void;
}

/** Samples per transaction (about 40 agents' batches): ~20 ms of writing, the longest the event loop is held. */
const GROUP_SAMPLES = 4_000;

/**
 * POST /api/v1/ingest: authenticated by the agentAuth middleware (agent-auth.ts), read within
 * limits, validated against the shared schema (by its hand-written twin first, fast-batch-check.ts,
 * and by the schema itself for the error when that refuses), checked against the token's agent id, then queued
 * for the next group commit and acknowledged by sequence once committed. Nothing of a batch is
 * written unless all of it is valid. Returns the group commit (for shutdown and metrics).
 */
export function registerIngestRoute(app: Hono, o: IngestRouteOptions): GroupCommit {
  const commits = new GroupCommit({
    write: (items) => o.store.ingestGroup(items),
    intervalMs: o.commit.intervalMs,
    groupSamples: GROUP_SAMPLES,
    maxQueuedSamples: o.commit.maxQueuedSamples,
    ...(o.onCommit ? { onCommit: o.onCommit } : {}),
  });
  // After the auth middleware (app.ts): a span for every authenticated push, whatever its answer; no layer when tracing is off.
  if (tracingEnabled()) {
    app.use("/api/v1/ingest", (c, next) =>
      withSpan("ingest batch", {}, async (span) => {
        await next();
        span.set({ "http.response.status_code": c.res.status });
        if (c.res.status >= 400) span.fail(c.error instanceof ApiError ? c.error.code : String(c.res.status), c.error?.message);
      }),
    );
  }
  app.post("/api/v1/ingest", async (c) => {
    const body = await readJsonBody(c.req.raw, o.limits);
    const batch = fastCheckBatchEnvelope(body) ?? validateWithSchema(body);
    annotateSpan({
      "vigil.agent.id": batch.host.agentId,
      "vigil.batch.sequence": batch.sequence,
      "vigil.batch.samples": batch.samples.length,
      "vigil.batch.states": batch.states.length,
    });
    assertMaySendAs(c, batch.host.agentId);
    let outcome;
    try {
      outcome = await commits.submit(batch, o.now());
    } catch (err) {
      if (err instanceof GroupCommitBusyError) {
        annotateSpan({ "vigil.ingest.outcome": "busy" });
        return busy(c, err);
      }
      o.logger.error("storing a batch failed", { agentId: batch.host.agentId, sequence: batch.sequence, err });
      throw new ApiError(503, "STORE_UNAVAILABLE", "the hub could not store the batch; nothing of it was stored, send it again later");
    }
    annotateSpan({
      "vigil.ingest.outcome": outcome.duplicate ? "duplicate" : "stored",
      "vigil.batch.stored_samples": outcome.storedSamples,
    });
    if (outcome.duplicate) {
      o.logger.debug("duplicate batch acknowledged", { agentId: batch.host.agentId, sequence: batch.sequence });
    } else {
      if (outcome.tooOldSamples > 0) {
        o.logger.warn("samples older than the raw retention were not stored", {
          agentId: batch.host.agentId,
          sequence: batch.sequence,
          samples: outcome.tooOldSamples,
        });
      }
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
  return commits;
}

/** The shared schema's verdict: the batch, or 400 INGEST_SCHEMA naming the field and the reason. */
function validateWithSchema(body: unknown): SampleBatch {
  const parsed = parseEnvelope("sample_batch", body);
  if (parsed.ok) return parsed.value.payload;
  const first = parsed.issues[0];
  throw new ApiError(400, "INGEST_SCHEMA", `invalid batch: ${issuesToText(parsed.issues.slice(0, 5))}`, {
    ...(first ? { field: first.path } : {}),
    issues: parsed.issues.slice(0, 50),
  });
}

/** 503 with Retry-After: the agent keeps the batch in its outbox and sends it again, so nothing is lost. */
function busy(c: Context, err: GroupCommitBusyError): Response {
  const retryAfterS = 1 + Math.floor(Math.random() * 3); // spread the retries of many agents
  const body: ErrorBody = { error: { code: "INGEST_BUSY", message: err.message, retryAfterMs: retryAfterS * 1000 } };
  return c.json(body, 503, { "retry-after": String(retryAfterS) });
}
