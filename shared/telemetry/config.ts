import { z } from "zod";
import type { EnvOverride } from "../config/load-config.ts";
import { duration } from "../config/schema-helpers.ts";

/** The samplers of the OpenTelemetry SDK configuration spec (OTEL_TRACES_SAMPLER) that the Node SDK has built in. */
export const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

const RATIO = "expected a number between 0 and 1";
/** A number, or its text (environment variables are text). */
const ratio = z
  .union(
    [
      z.number(),
      z
        .string()
        .regex(/^\s*(\d+(\.\d*)?|\.\d+)\s*$/)
        .transform(Number),
    ],
    { error: RATIO },
  )
  .pipe(z.number().min(0, { error: RATIO }).max(1, { error: RATIO }));

const attributeKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/, { error: "expected an attribute key such as deployment.environment.name" });

/**
 * `key=value` pairs: a mapping in YAML, or the list OTEL_RESOURCE_ATTRIBUTES gives (comma-separated
 * `key=value`, split by the loader).
 */
const resourceAttributes = z
  .unknown()
  .transform((value, ctx) => {
    if (!Array.isArray(value)) return value;
    const out: Record<string, string> = {};
    for (const pair of value.map(String)) {
      const at = pair.indexOf("=");
      if (at <= 0) {
        ctx.addIssue({ code: "custom", message: `${pair}: expected key=value`, input: pair });
        return z.NEVER;
      }
      try {
        // The spec percent-encodes the values of OTEL_RESOURCE_ATTRIBUTES.
        out[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        ctx.addIssue({ code: "custom", message: `${pair}: the value is not valid percent-encoding`, input: pair });
        return z.NEVER;
      }
    }
    return out;
  })
  .pipe(z.record(attributeKey, z.string().max(1000), { error: "expected a mapping of attribute names to text values" }));

/**
 * The `telemetry:` section of both programs: OpenTelemetry traces over OTLP/gRPC (docs/telemetry.md).
 * Off unless an endpoint is set here or by OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT.
 */
export const telemetryConfigSchema = z
  .strictObject({
    /** The collector's OTLP/gRPC address: http:// (plaintext, a local collector) or https://. */
    endpoint: z.url({ protocol: /^https?$/, error: "expected the collector's OTLP/gRPC URL, such as http://127.0.0.1:4317" }).optional(),
    /** service.name; the program's own name (vigil-hub, vigil-agent) by default. */
    serviceName: z.string().min(1).max(200).optional(),
    /** More resource attributes (deployment.environment.name, ...); service.* and host.name are Vigil's. */
    resourceAttributes: resourceAttributes.default({}),
    sampler: z.enum(SAMPLERS, { error: `expected one of ${SAMPLERS.join(", ")}` }).default("parentbased_always_on"),
    /** The ratio of the *traceidratio samplers. */
    samplerArg: ratio.default(1),
    /** Finished spans waiting for export at most; beyond it new spans are dropped (and counted), so memory stays bounded. */
    maxQueueSize: z.int().min(16).max(100_000).default(2048),
    /** How long finished spans wait to be sent together. */
    batchDelay: duration({ min: "10ms", max: "1m" }).default(5_000),
    /** Limit of one export, retries included. */
    exportTimeout: duration({ min: "100ms", max: "1m" }).default(10_000),
    /** How long stopping waits for the last spans to be sent. */
    shutdownTimeout: duration({ min: "0s", max: "30s" }).default(2_000),
  })
  .prefault({});

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;

/**
 * The standard OpenTelemetry variables Vigil takes, mapped onto `telemetry.*` by the one config loader.
 * Like every variable, they win over the file. The traces-specific endpoint comes last so it wins over
 * the general one, as the spec says. The exporter itself also reads OTEL_EXPORTER_OTLP_HEADERS, the
 * certificate variables and OTEL_EXPORTER_OTLP_INSECURE (docs/telemetry.md).
 */
export const TELEMETRY_ENV_OVERRIDES: EnvOverride[] = [
  { name: "OTEL_EXPORTER_OTLP_ENDPOINT", path: ["telemetry", "endpoint"], type: "string" },
  { name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", path: ["telemetry", "endpoint"], type: "string" },
  { name: "OTEL_SERVICE_NAME", path: ["telemetry", "serviceName"], type: "string" },
  { name: "OTEL_RESOURCE_ATTRIBUTES", path: ["telemetry", "resourceAttributes"], type: "list" },
  { name: "OTEL_TRACES_SAMPLER", path: ["telemetry", "sampler"], type: "string" },
  { name: "OTEL_TRACES_SAMPLER_ARG", path: ["telemetry", "samplerArg"], type: "string" },
  { name: "OTEL_BSP_MAX_QUEUE_SIZE", path: ["telemetry", "maxQueueSize"], type: "integer" },
];
