import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { afterEach } from "vitest";
import { createLogger } from "../../../shared/log/logger.ts";
import { telemetryConfigSchema } from "../../../shared/telemetry/config.ts";
import { type RunningTracing, startOtelTracing } from "../../../shared/telemetry/otel-backend.ts";

/** An exporter that keeps what it is given (the SDK's in-memory one forgets everything at shutdown). */
export class CollectingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/**
 * The real backend in this process with a collecting exporter; stopped (and the facade a direct call
 * again) after each test. `logs` are the JSON lines of a logger created after the start.
 */
export function useInProcessTracing() {
  const running: RunningTracing[] = [];
  afterEach(async () => {
    for (const t of running.splice(0)) await t.stop();
  });
  return (config: Record<string, unknown> = {}) => {
    const exporter = new CollectingExporter();
    const lines: string[] = [];
    const logger = createLogger({ component: "test", level: "debug", write: (l) => void lines.push(l) });
    const tracing = startOtelTracing({
      config: telemetryConfigSchema.parse({ batchDelay: "10ms", ...config }),
      identity: { serviceName: "vigil-test", version: "9.9.9", instanceId: "test-1", hostName: "test-host", extra: {} },
      logger,
      exporter,
    });
    running.push(tracing);
    return {
      exporter,
      tracing,
      logger,
      logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      /** Stops (sending what is queued) and returns every span, by name. */
      finish: async () => {
        await tracing.stop();
        return (name: string) => {
          const found = exporter.spans.filter((s) => s.name === name);
          if (found.length !== 1) throw new Error(`expected one span "${name}", got ${found.length}`);
          return found[0] as ReadableSpan;
        };
      },
    };
  };
}
