import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ephemeralSigningKey } from "../../hub/actions/signing-key.ts";
import { HubActions } from "../../hub/actions/hub-actions.ts";
import { actionDeliveryConfirmationMigration, actionRequestsMigration } from "../../hub/actions/migration.ts";
import { verifyActionSignature } from "../../shared/actions/signing.ts";
import { createLogger, silentLogger } from "../../shared/log/logger.ts";
import type { ActionRequest } from "../../shared/protocol/action.ts";
import { openDatabase } from "../../shared/sqlite/open-database.ts";
import { telemetryConfigSchema } from "../../shared/telemetry/config.ts";
import { startOtelTracing } from "../../shared/telemetry/otel-backend.ts";
import { traceparentOf } from "../../shared/telemetry/traceparent-of.ts";
import { annotateSpan, currentTraceparent, failSpan, withSpan } from "../../shared/telemetry/tracer.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { useInProcessTracing } from "./support/in-process-tracing.ts";

const tracing = useInProcessTracing();
const tempDir = useTempDirs();

describe("spans and the W3C trace context between processes", () => {
  it("a traceparent carried to another process makes its span a child of the sender's, in the same trace", async () => {
    const t = tracing();
    const sent = withSpan("request action", {}, () => currentTraceparent());
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    withSpan("execute action", {}, () => undefined, { parent: sent });
    const span = await t.finish();
    const hub = span("request action");
    const agent = span("execute action");
    expect(sent).toBe(`00-${hub.spanContext().traceId}-${hub.spanContext().spanId}-01`);
    expect(agent.spanContext().traceId).toBe(hub.spanContext().traceId);
    expect(agent.parentSpanContext?.spanId).toBe(hub.spanContext().spanId);
    expect(agent.parentSpanContext?.isRemote).toBe(true);
  });

  it("a malformed traceparent starts a new trace instead of failing the work; root spans leave the active trace", async () => {
    const t = tracing();
    for (const bad of ["", "00-zz-01", `00-${"0".repeat(32)}-${"1".repeat(16)}-01`, "x".repeat(200)]) {
      expect(withSpan("execute action", { bad }, () => 42, { parent: bad })).toBe(42);
    }
    withSpan("check failover group", {}, () => withSpan("evaluate rules", {}, () => undefined, { root: true }));
    const spans = t.exporter.spans;
    await t.finish();
    const agentSpans = spans.filter((s) => s.name === "execute action");
    expect(agentSpans).toHaveLength(4);
    for (const s of agentSpans) expect(s.parentSpanContext).toBeUndefined();
    const outer = spans.find((s) => s.name === "check failover group");
    const root = spans.find((s) => s.name === "evaluate rules");
    expect(root?.parentSpanContext).toBeUndefined();
    expect(root?.spanContext().traceId).not.toBe(outer?.spanContext().traceId);
  });

  it("nests across awaits, ends async spans when they settle, and records failures by their stable code", async () => {
    const t = tracing();
    const value = await withSpan("check failover group", { "vigil.failover.group": "inference" }, async (span) => {
      await new Promise((r) => setTimeout(r, 5));
      await withSpan("switch failover group", {}, async () => {
        await new Promise((r) => setTimeout(r, 5));
        annotateSpan({ "vigil.failover.epoch": 7, skipped: undefined });
      });
      span.set({ "vigil.failover.active": "gpu-box" });
      return "done";
    });
    expect(value).toBe("done");
    const failure = Object.assign(new Error("no host with id x"), { code: "HOST_NOT_FOUND" });
    await expect(withSpan("request action", {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(() =>
      withSpan("ingest batch", {}, () => failSpan("INGEST_SCHEMA", "payload.samples[0].value: expected a number")),
    ).not.toThrow();
    const span = await t.finish();
    const check = span("check failover group");
    const sw = span("switch failover group");
    expect(sw.parentSpanContext?.spanId).toBe(check.spanContext().spanId);
    expect(sw.attributes).toEqual({ "vigil.failover.epoch": 7 });
    expect(check.attributes).toEqual({ "vigil.failover.group": "inference", "vigil.failover.active": "gpu-box" });
    // The async spans lasted until their promises settled: two waits of 5 ms, one of them the child's.
    expect(hrMs(check.duration)).toBeGreaterThanOrEqual(8);
    expect(hrMs(sw.duration)).toBeGreaterThanOrEqual(4);
    expect(span("request action").status).toEqual({ code: 2, message: "no host with id x" });
    expect(span("request action").attributes["error.type"]).toBe("HOST_NOT_FOUND");
    expect(span("ingest batch").attributes["error.type"]).toBe("INGEST_SCHEMA");
    expect(span("ingest batch").resource.attributes).toMatchObject({ "service.name": "vigil-test", "service.instance.id": "test-1" });
  });

  it("log lines written inside a sampled span carry its trace_id and span_id, others none", async () => {
    const t = tracing();
    t.logger.info("before");
    await withSpan("request action", {}, async () => {
      await Promise.resolve();
      t.logger.info("inside");
    });
    t.logger.info("after");
    const span = await t.finish();
    const lines = t.logs();
    const ctx = span("request action").spanContext();
    expect(lines.find((l) => l.msg === "inside")).toMatchObject({ trace_id: ctx.traceId, span_id: ctx.spanId });
    expect(lines.find((l) => l.msg === "before")).not.toHaveProperty("trace_id");
    expect(lines.find((l) => l.msg === "after")).not.toHaveProperty("trace_id");
    // Stopped: lines carry no ids any more, and spans are direct calls again.
    t.logger.info("stopped");
    expect(withSpan("ingest batch", {}, () => currentTraceparent())).toBeUndefined();
    expect(t.logs().find((l) => l.msg === "stopped")).not.toHaveProperty("trace_id");
  });

  it("an unsampled trace is propagated as such and its log lines carry no ids", async () => {
    const t = tracing({ sampler: "parentbased_always_off" });
    const sent = withSpan("request action", {}, () => {
      t.logger.info("unsampled");
      return currentTraceparent();
    });
    expect(sent).toMatch(/-00$/);
    withSpan("execute action", {}, () => undefined, { parent: sent });
    await t.finish();
    expect(t.exporter.spans).toEqual([]);
    expect(t.logs().find((l) => l.msg === "unsampled")).not.toHaveProperty("trace_id");
  });

  it("the hub puts its span's traceparent in the signed action request, outside the signature", async () => {
    const t = tracing();
    const db = openDatabase(join(tempDir(), "hub.sqlite"), [
      { ...actionRequestsMigration, version: 1 },
      { ...actionDeliveryConfirmationMigration, version: 2 },
    ]);
    const key = ephemeralSigningKey();
    const timing = { requestTtl: 60_000, resultWait: 0, pollTimeout: 10 };
    const actions = new HubActions({ db, key, timing, hostKnown: () => true, logger: silentLogger });
    const body = {
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: "ollama.service" },
      confirm: false,
      dryRun: false,
      waitMs: 0,
    };
    const record = await actions.run({ name: "alice", role: "operator" }, body);
    const envelope = (await actions.next("gpu-box")) as { payload: ActionRequest };
    db.close();
    const request = envelope.payload;
    expect(request.requestId).toBe(record.requestId);
    const span = await t.finish();
    const hub = span("request action");
    expect(traceparentOf(envelope)).toBe(`00-${hub.spanContext().traceId}-${hub.spanContext().spanId}-01`);
    expect(hub.attributes).toMatchObject({ "vigil.action.request_id": record.requestId, "vigil.action.status": "queued" });
    // The agent verifies the signature with or without the field, so older agents and hubs keep working.
    expect(verifyActionSignature(request, key.publicKey)).toBe(true);
    const { traceparent: _dropped, ...without } = request;
    expect(verifyActionSignature(without, key.publicKey)).toBe(true);
    expect(verifyActionSignature({ ...request, traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01` }, key.publicKey)).toBe(true);
    // Every other field is still covered.
    expect(verifyActionSignature({ ...request, action: "reboot" }, key.publicKey)).toBe(false);
  });

  it("the SDK's own warnings go to Vigil's log", async () => {
    const lines: string[] = [];
    const logger = createLogger({ component: "tracing", write: (l) => void lines.push(l) });
    // A path in a gRPC endpoint is ignored, and the exporter says so when it reads its configuration.
    const config = telemetryConfigSchema.parse({ endpoint: "http://127.0.0.1:9/v1/traces", shutdownTimeout: "100ms" });
    const identity = { serviceName: "vigil-test", version: "0", instanceId: "i", hostName: "h", extra: {} };
    await startOtelTracing({ config, identity, logger }).stop();
    const warned = lines.map((l) => JSON.parse(l) as { msg: string }).filter((l) => l.msg.startsWith("OpenTelemetry: URL path"));
    expect(warned).toEqual([expect.objectContaining({ level: "warn", endpoint: "http://127.0.0.1:9/v1/traces" })]);
    expect(lines.join("\n")).toContain('"msg":"tracing stopped"');
  });

  it("reads a traceparent from an unverified envelope only when it is a short string", () => {
    expect(traceparentOf({ payload: { traceparent: "00-abc" } })).toBe("00-abc");
    expect(traceparentOf({ payload: { traceparent: 7 } })).toBeUndefined();
    expect(traceparentOf({ payload: { traceparent: "0".repeat(257) } })).toBeUndefined();
    expect(traceparentOf({ payload: null })).toBeUndefined();
    expect(traceparentOf("text")).toBeUndefined();
  });
});

function hrMs([s, ns]: [number, number]): number {
  return s * 1000 + ns / 1e6;
}
