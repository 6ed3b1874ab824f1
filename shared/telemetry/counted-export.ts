import type { Context } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";

/** What happened to the sampled spans of this process; `queued` is what waits for export now. */
export interface ExportCounts {
  /** Sampled spans that ended. */
  ended: number;
  /** Waiting in the batch queue. */
  queued: number;
  /** Not queued because the queue was full (the collector too slow or away). */
  dropped: number;
  exported: number;
  /** Handed to the exporter and lost with a failed export. */
  failed: number;
  failedExports: number;
}

const SAMPLED = 1;

/**
 * Keeps exact counts around the SDK's BatchSpanProcessor, and its bound: the processor itself drops
 * spans beyond maxQueueSize but only says so in a debug line and resets its count, so this wrapper
 * counts spans in (onEnd) and out (the exporter taking a batch), and drops beyond the same bound
 * itself before the processor would. The processor takes a batch out of its queue and hands it to
 * the exporter in one synchronous step, so in minus out is its queue length.
 */
export class CountedExport {
  readonly counts: ExportCounts = { ended: 0, queued: 0, dropped: 0, exported: 0, failed: 0, failedExports: 0 };
  readonly processor: SpanProcessor;
  readonly exporter: SpanExporter;

  constructor(o: {
    /** The exporter that sends (OTLP/gRPC). */
    exporter: SpanExporter;
    /** Builds the batching processor around the counting exporter. */
    batch: (exporter: SpanExporter) => SpanProcessor;
    maxQueueSize: number;
    onExportResult: (result: ExportResult, spans: number) => void;
  }) {
    const counts = this.counts;
    let closed = false;
    const inner = o.exporter;
    this.exporter = {
      export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        counts.queued -= spans.length;
        inner.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) counts.exported += spans.length;
          else {
            counts.failed += spans.length;
            counts.failedExports++;
          }
          o.onExportResult(result, spans.length);
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
    const batch = o.batch(this.exporter);
    this.processor = {
      onStart: (span: Span, parent: Context) => batch.onStart(span, parent),
      onEnd: (span: ReadableSpan) => {
        // Unsampled spans are never exported; after shutdown the processor takes nothing.
        if (closed || (span.spanContext().traceFlags & SAMPLED) === 0) return;
        counts.ended++;
        if (counts.queued >= o.maxQueueSize) {
          counts.dropped++;
          return;
        }
        counts.queued++;
        batch.onEnd(span);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => {
        closed = true;
        return batch.shutdown();
      },
    };
  }
}
