import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, diag, DiagLogLevel } from "@opentelemetry/api";
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { type Logger, setLogTraceFields } from "../log/logger.ts";
import type { TelemetryConfig } from "./config.ts";
import { CountedExport, type ExportCounts } from "./counted-export.ts";
import { type ServiceIdentity, serviceResource } from "./resource.ts";
import { samplerFor } from "./sampler.ts";
import { ThrottledLog } from "./throttled-log.ts";
import { spanBackend } from "./span-backend.ts";
import { setTracingBackend } from "./tracer.ts";

export interface OtelTracingOptions {
  config: TelemetryConfig;
  identity: ServiceIdentity;
  logger: Logger;
  /** Replaces the OTLP/gRPC exporter (tests). */
  exporter?: SpanExporter;
  /** How often a failure that goes on is logged again. */
  warnEveryMs?: number;
}

export interface RunningTracing {
  /** Live counts of this process's spans (queued, dropped, exported, failed). */
  readonly counts: Readonly<ExportCounts>;
  /** Sends what is queued (waiting at most telemetry.shutdownTimeout), then stops; the facade is a direct call again. */
  stop(): Promise<void>;
}

const EXPORT_FAILING = "export";
/** gRPC allows a few exports at once; with one batch in flight at a time (the processor's way) two are plenty. */
const CONCURRENT_EXPORTS = 2;

/**
 * Starts the OpenTelemetry SDK and installs it behind the facade (tracer.ts) and the logger. Loaded
 * only by start-tracing.ts, only when an endpoint is configured. The SDK's globals are left alone
 * except its diagnostics: the active span lives in this module's AsyncLocalStorage and spans are
 * made by this module's tracer, so nothing else in the process can start or see Vigil's traces.
 */
export function startOtelTracing(o: OtelTracingOptions): RunningTracing {
  const { config, logger } = o;
  const endpoint = config.endpoint === undefined ? "(test exporter)" : withoutCredentials(config.endpoint);
  const contexts = new AsyncLocalStorage<Context>();
  const warnings = new ThrottledLog(logger, o.warnEveryMs ?? 5 * 60_000);
  // The SDK reports its own troubles (a URL it will not use as given, a bad answer) through its global
  // diagnostics; set before the exporter reads its configuration, they go to Vigil's log, throttled
  // per message (numbers aside, so "Dropped 3 spans" and "Dropped 5 spans" count as one).
  const sdkSays = (msg: string) => void warnings.warn(`diag ${msg.replace(/\d+/g, "N")}`, `OpenTelemetry: ${msg}`, () => ({ endpoint }));
  diag.setLogger(
    { error: sdkSays, warn: sdkSays, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const exporter =
    o.exporter ??
    new OTLPTraceExporter({ url: config.endpoint, timeoutMillis: config.exportTimeout, concurrencyLimit: CONCURRENT_EXPORTS });
  const counted = new CountedExport({
    exporter,
    batch: (e) =>
      outsideTraces(
        new BatchSpanProcessor({
          exporter: e,
          maxQueueSize: config.maxQueueSize,
          maxExportBatchSize: Math.min(512, config.maxQueueSize),
          scheduledDelayMillis: config.batchDelay,
          exportTimeoutMillis: config.exportTimeout + 1_000,
        }),
        contexts,
      ),
    maxQueueSize: config.maxQueueSize,
    onExportResult: (result, spans) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (warnings.has(EXPORT_FAILING)) logger.info("trace export works again", { endpoint, ...counted.counts });
        warnings.clear(EXPORT_FAILING);
        return;
      }
      warnings.warn(
        EXPORT_FAILING,
        "trace export failed; Vigil goes on, finished spans wait in a bounded queue and are dropped beyond it",
        () => ({
          endpoint,
          error: result.error,
          spans,
          ...counted.counts,
        }),
      );
    },
  });
  const provider = new TracerProvider({
    resource: serviceResource(o.identity),
    sampler: samplerFor(config.sampler, config.samplerArg),
    spanProcessors: [counted.processor],
  });
  const backend = spanBackend(provider.getTracer("vigil", o.identity.version), contexts);

  // The processor passes a failed export here too; it is the failure onExportResult already logs.
  setGlobalErrorHandler((error) =>
    warnings.warn(EXPORT_FAILING, "trace export failed; Vigil goes on", () => ({ endpoint, error, ...counted.counts })),
  );
  setTracingBackend(backend);
  setLogTraceFields(backend.logFields);
  logger.info("tracing to an OpenTelemetry collector (OTLP/gRPC)", {
    endpoint,
    serviceName: o.identity.serviceName,
    sampler: config.sampler,
    ...(config.sampler.endsWith("traceidratio") ? { samplerArg: config.samplerArg } : {}),
    maxQueueSize: config.maxQueueSize,
  });

  let stopping: Promise<void> | undefined;
  return {
    counts: counted.counts,
    stop: () =>
      (stopping ??= (async () => {
        setTracingBackend(undefined);
        setLogTraceFields(undefined);
        let timer: NodeJS.Timeout | undefined;
        const flushed = await Promise.race([
          provider.shutdown().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), config.shutdownTimeout);
          }),
        ]);
        clearTimeout(timer);
        diag.disable();
        setGlobalErrorHandler(loggingErrorHandler());
        logger.info("tracing stopped", { flushed, ...counted.counts });
      })()),
  };
}

/**
 * The processor's timers and the exports they start would otherwise run in the context of the span
 * whose end started them, and the exporter's log lines would carry that unrelated span's ids.
 */
function outsideTraces(processor: SpanProcessor, contexts: AsyncLocalStorage<Context>): SpanProcessor {
  return {
    onStart: (span, parent) => processor.onStart(span, parent),
    onEnd: (span) => contexts.exit(() => processor.onEnd(span)),
    forceFlush: () => contexts.exit(() => processor.forceFlush()),
    shutdown: () => contexts.exit(() => processor.shutdown()),
  };
}

/** The endpoint as logged: a user or password in it is not. */
function withoutCredentials(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.username === "" && url.password === "") return endpoint;
  url.username = "";
  url.password = "";
  return url.toString();
}
