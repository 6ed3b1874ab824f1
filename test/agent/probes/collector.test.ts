import { describe, expect, it } from "vitest";
import { checkObservations } from "../../../agent/collectors/check-observations.ts";
import { createProbesCollector } from "../../../agent/collectors/probes/index.ts";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";
import { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { collectOnce, loadProbes, outcomeOf, sampleValue } from "./harness.ts";
import { json, ollamaFixture, refusedPort, silent, useServers } from "./serve.ts";

const tempDir = useTempDirs();
const serve = useServers();

describe("probes collector", () => {
  it("runs probes concurrently: three hung targets cost one timeout, and a fast probe stays fast", async () => {
    const server = await serve({ "/hung": silent, "/ok": json('{"status":"ok"}') });
    const hung = (name: string) => ({ name, kind: "http", url: `${server.url}/hung`, timeout: "1s" });
    const probes = loadProbes(tempDir(), [hung("a"), hung("b"), hung("c"), { name: "fast", kind: "http", url: `${server.url}/ok` }]);
    const started = performance.now();
    const obs = await collectOnce({ probes });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2900);
    for (const name of ["a", "b", "c"]) expect(outcomeOf(obs, name).status).toBe("timeout");
    expect(outcomeOf(obs, "fast")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_probe_duration_seconds", { probe: "fast" })).toBeLessThan(0.9);
  });

  it("emits only catalog names with the catalog's labels, all of which the hub accepts", async () => {
    const server = await serve({
      "/api/version": json(ollamaFixture("api-version-openapi.json")),
      "/api/tags": json(ollamaFixture("api-tags-2-models-docs-apimd.json")),
      "/api/ps": json(ollamaFixture("api-ps-1-model-fully-in-vram-docs-apimd.json")),
      "/ts": json('{"at":"2026-01-01T00:00:00Z"}'),
    });
    const probes = loadProbes(tempDir(), [
      { name: "ollama-gpu", kind: "ollama", url: server.url, expectedModels: ["llama3.2", "missing:1b"] },
      { name: "web", kind: "http", url: `${server.url}/ts` },
      { name: "pg", kind: "tcp", port: await refusedPort() },
      { name: "fresh", kind: "freshness", source: { http: `${server.url}/ts`, jsonPath: "$.at" }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now: () => 1_767_225_660_000 });
    const specs = new Map<string, string[]>(
      [...Object.values(PROBES_CATALOG.series), ...Object.values(PROBES_CATALOG.states)].map((s) => [s.name, [...s.labels].sort()]),
    );
    for (const o of [...obs.samples, ...obs.states]) expect([o.name, Object.keys(o.labels).sort()]).toEqual([o.name, specs.get(o.name)]);
    expect(checkObservations(obs).dropped).toEqual([]);
    // Every series of the catalog but context length (not in this /api/ps answer) appeared.
    const seen = new Set(obs.samples.map((s) => s.name));
    const absent = Object.values(PROBES_CATALOG.series)
      .filter((s) => !seen.has(s.name))
      .map((s) => s.name);
    expect(absent).toEqual(["vigil_ollama_loaded_model_context_length"]);
  });

  it("cuts a long message to the 64 characters a state may hold", async () => {
    const server = await serve({ "/": (_req, res) => void res.writeHead(200).end("nope") });
    const needle = "a-very-long-marker-that-the-page-should-contain-but-does-not-contain";
    const probes = loadProbes(tempDir(), [{ name: "web", kind: "http", url: `${server.url}/`, bodyContains: needle }]);
    const message = outcomeOf(await collectOnce({ probes }), "web").message ?? "";
    expect(message).toHaveLength(64);
    expect(message).toBe(`body lacks "${needle}"`.slice(0, 63) + "…");
  });

  it("with no probes, a cycle is ok and empty", async () => {
    expect(await collectOnce({ probes: [] })).toEqual({ kind: "ok", samples: [], states: [] });
  });

  it("stops every probe when the cycle is aborted, reporting them as failed rather than hanging", async () => {
    const server = await serve({ "/hung": silent });
    const probes = loadProbes(tempDir(), [{ name: "h", kind: "http", url: `${server.url}/hung`, timeout: "10s" }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    const outcome = await createProbesCollector({ probes }).collect({ now: Date.now(), signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(5000);
    if (outcome.kind !== "ok") throw new Error("expected ok");
    expect(outcomeOf(outcome, "h")).toEqual({ up: 0, status: "error", message: "the collector's cycle timed out first" });
  });

  it("is scheduled by default with its section's interval and timeout", () => {
    const config = loadConfig({ schema: agentConfigSchema, file: undefined, fileRequired: false, envOverrides: [], env: {} }).config;
    const probes = createCollectors(config).find((s) => s.collector.name === "probes");
    expect(probes).toMatchObject({ intervalMs: 30_000, timeoutMs: 20_000 });
    const off = { ...config, collectors: { ...config.collectors, probes: { ...config.collectors.probes, enabled: false } } };
    expect(createCollectors(off).map((s) => s.collector.name)).not.toContain("probes");
  });
});
