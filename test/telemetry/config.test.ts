import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config/load.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { ConfigError } from "../../shared/config/config-error.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

function hubWith(yaml: string, env: Record<string, string> = {}) {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, yaml);
  return loadHubConfig({ configFile: file, env }).config.telemetry;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("the telemetry section and the OTEL_* variables", () => {
  it("is off by default in both programs, with the SDK's usual batching and a short shutdown", () => {
    const defaults = {
      endpoint: undefined,
      resourceAttributes: {},
      sampler: "parentbased_always_on",
      samplerArg: 1,
      maxQueueSize: 2048,
      batchDelay: 5_000,
      exportTimeout: 10_000,
      shutdownTimeout: 2_000,
    };
    expect(loadHubConfig({ configFile: undefined, env: {} }).config.telemetry).toEqual(defaults);
    expect(loadAgentConfig({ configFile: undefined, env: {} }).config.telemetry).toEqual(defaults);
  });

  it("takes every setting from the file", () => {
    const t = hubWith(`telemetry:
  endpoint: http://otel-collector.lan:4317
  serviceName: vigil-hub-lab
  resourceAttributes: { deployment.environment.name: home }
  sampler: parentbased_traceidratio
  samplerArg: 0.1
  maxQueueSize: 4096
  batchDelay: 2s
  exportTimeout: 5s
  shutdownTimeout: 1s
`);
    expect(t).toEqual({
      endpoint: "http://otel-collector.lan:4317",
      serviceName: "vigil-hub-lab",
      resourceAttributes: { "deployment.environment.name": "home" },
      sampler: "parentbased_traceidratio",
      samplerArg: 0.1,
      maxQueueSize: 4096,
      batchDelay: 2_000,
      exportTimeout: 5_000,
      shutdownTimeout: 1_000,
    });
  });

  it("the standard variables win over the file, the traces endpoint over the general one", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://general.lan:4317",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.lan:4317",
      OTEL_SERVICE_NAME: "gpu-box-agent",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=home,site.room=rack%202",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_MAX_QUEUE_SIZE: "512",
    };
    const t = hubWith("telemetry: { endpoint: http://file.lan:4317, serviceName: from-file, samplerArg: 1 }\n", env);
    expect(t).toMatchObject({
      endpoint: "https://traces.lan:4317",
      serviceName: "gpu-box-agent",
      resourceAttributes: { "deployment.environment.name": "home", "site.room": "rack 2" },
      sampler: "traceidratio",
      samplerArg: 0.25,
      maxQueueSize: 512,
    });
    const { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _traces, ...general } = env;
    expect(loadAgentConfig({ configFile: undefined, env: general }).config.telemetry.endpoint).toBe("http://general.lan:4317");
  });

  it("a bad value is an error naming the path, what was expected and the variable that set it", () => {
    const sampler = errorOf(() => hubWith("", { OTEL_TRACES_SAMPLER: "jaeger_remote" }));
    expect(sampler.message).toContain("telemetry.sampler");
    expect(sampler.message).toContain("parentbased_traceidratio");
    expect(sampler.message).toContain("OTEL_TRACES_SAMPLER");
    const arg = errorOf(() => hubWith("telemetry: { samplerArg: 2 }\n"));
    expect(arg.message).toContain("telemetry.samplerArg: expected a number between 0 and 1");
    const endpoint = errorOf(() => hubWith("telemetry: { endpoint: 'otel-collector:4317' }\n"));
    expect(endpoint.message).toContain("telemetry.endpoint: expected the collector's OTLP/gRPC URL");
    const attrs = errorOf(() => hubWith("", { OTEL_RESOURCE_ATTRIBUTES: "team=%E0%A4%A" }));
    expect(attrs.message).toContain("telemetry.resourceAttributes");
    expect(attrs.message).toContain("not valid percent-encoding");
    expect(errorOf(() => hubWith("telemetry: { endpont: http://x:4317 }\n")).message).toContain("telemetry.endpont");
  });
});
