import type { ExportResult } from "@opentelemetry/core";
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { CountedExport } from "../../shared/telemetry/counted-export.ts";
import { ThrottledLog } from "../../shared/telemetry/throttled-log.ts";
import { createLogger } from "../../shared/log/logger.ts";

/** An exporter whose answers the test gives: never (a hung collector), failure, or success. */
function exporter(answer: "never" | "fail" | "ok") {
  const calls: number[] = [];
  const e: SpanExporter = {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      calls.push(spans.length);
      if (answer === "fail") done({ code: 1, error: new Error("14 UNAVAILABLE: connect ECONNREFUSED") });
      if (answer === "ok") done({ code: 0 });
    },
    shutdown: async () => {},
  };
  return { e, calls };
}

/** The SDK's real processor and tracer behind CountedExport, as otel-backend.ts builds them. */
function pipeline(answer: "never" | "fail" | "ok", maxQueueSize: number) {
  const x = exporter(answer);
  const results: Array<{ ok: boolean; spans: number }> = [];
  const counted = new CountedExport({
    exporter: x.e,
    batch: (e) => new BatchSpanProcessor({ exporter: e, maxQueueSize, maxExportBatchSize: maxQueueSize, scheduledDelayMillis: 5 }),
    maxQueueSize,
    onExportResult: (r, spans) => void results.push({ ok: r.code === 0, spans }),
  });
  const provider = new TracerProvider({ spanProcessors: [counted.processor] });
  const tracer = provider.getTracer("test");
  const burst = (n: number) => {
    for (let i = 0; i < n; i++) tracer.startSpan("ingest batch", { attributes: { i } }).end();
  };
  return { counts: counted.counts, calls: x.calls, results, burst, provider };
}

describe("the bounded, counted export queue", () => {
  it("with a collector that never answers, holds at most maxQueueSize spans and counts every other one as dropped", async () => {
    const p = pipeline("never", 64);
    p.burst(20_000);
    // The first full batch went to the exporter (and hangs there); the next 64 wait; the rest are dropped.
    expect(p.calls).toEqual([64]);
    expect(p.counts).toEqual({ ended: 20_000, queued: 64, dropped: 20_000 - 128, exported: 0, failed: 0, failedExports: 0 });
    await new Promise((r) => setTimeout(r, 30));
    p.burst(1_000);
    expect(p.counts.queued).toBe(64);
    expect(p.counts.dropped).toBe(21_000 - 128);
  });

  it("with a collector that refuses, drains the queue as failures and counts them, dropping nothing", async () => {
    const p = pipeline("fail", 64);
    for (let round = 0; round < 10; round++) {
      p.burst(64);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(p.counts).toMatchObject({ ended: 640, queued: 0, dropped: 0, exported: 0, failed: 640 });
    expect(p.results.every((r) => !r.ok)).toBe(true);
    expect(p.results.reduce((n, r) => n + r.spans, 0)).toBe(640);
    await p.provider.shutdown();
  });

  it("exports everything while the collector keeps up; nothing after shutdown is counted", async () => {
    const p = pipeline("ok", 64);
    for (let round = 0; round < 10; round++) {
      p.burst(50);
      await new Promise((r) => setTimeout(r, 10));
    }
    await p.provider.forceFlush();
    expect(p.counts).toMatchObject({ ended: 500, queued: 0, dropped: 0, exported: 500, failed: 0 });
    await p.provider.shutdown();
    p.burst(10);
    expect(p.counts.ended).toBe(500);
  });
});

describe("throttled problem lines", () => {
  it("logs a problem once, then at most once per interval with how often it happened, and again at once after it cleared", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ component: "tracing", write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    let now = 0;
    const log = new ThrottledLog(logger, 60_000, () => now);
    const fields = () => ({ endpoint: "http://127.0.0.1:4317" });
    expect(log.warn("export", "trace export failed", fields)).toBe(true);
    for (let i = 0; i < 500; i++) {
      now += 100;
      log.warn("export", "trace export failed", fields);
    }
    expect(lines).toHaveLength(1);
    // 500 held back, and this one.
    now = 60_000;
    expect(log.warn("export", "trace export failed", fields)).toBe(true);
    expect(lines[1]).toMatchObject({ msg: "trace export failed", endpoint: "http://127.0.0.1:4317", occurrencesSinceLastLine: 501 });
    // Another problem is not held back by this one.
    expect(log.warn("diag x", "OpenTelemetry: x", fields)).toBe(true);
    expect(log.has("export")).toBe(true);
    log.clear("export");
    expect(log.has("export")).toBe(false);
    expect(log.warn("export", "trace export failed", fields)).toBe(true);
    expect(lines).toHaveLength(4);
    expect(lines[3]).not.toHaveProperty("occurrencesSinceLastLine");
  });
});
