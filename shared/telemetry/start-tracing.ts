import type { Logger } from "../log/logger.ts";
import type { TelemetryConfig } from "./config.ts";
import type { ExportCounts } from "./counted-export.ts";

export interface StartTracingOptions {
  config: TelemetryConfig;
  /** service.name unless telemetry.serviceName says otherwise. */
  program: "vigil-hub" | "vigil-agent";
  version: string;
  /** service.instance.id: the agent's id, a random UUID per start for the hub. */
  instanceId: string;
  hostName: string;
  logger: Logger;
}

export interface Tracing {
  readonly counts: Readonly<ExportCounts>;
  stop(): Promise<void>;
}

/**
 * Starts exporting traces when telemetry.endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) is set; otherwise
 * returns undefined having loaded nothing: the SDK, the exporter and gRPC (with http2 and TLS) are
 * imported here, dynamically, only then (the agent's memory target, docs/benchmarks.md). A failure to
 * start is logged and Vigil runs without traces: monitoring matters more than its own telemetry.
 */
export async function startTracing(o: StartTracingOptions): Promise<Tracing | undefined> {
  if (o.config.endpoint === undefined) return undefined;
  try {
    const { startOtelTracing } = await import("./otel-backend.ts");
    return startOtelTracing({
      config: o.config,
      identity: {
        serviceName: o.config.serviceName ?? o.program,
        version: o.version,
        instanceId: o.instanceId,
        hostName: o.hostName,
        extra: o.config.resourceAttributes,
      },
      logger: o.logger.child({ component: "tracing" }),
    });
  } catch (err) {
    o.logger.error("tracing could not start; running without it", { err });
    return undefined;
  }
}
