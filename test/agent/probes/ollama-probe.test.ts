import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { collectOnce, loadProbes, outcomeOf, sampleValue, stateValue } from "./harness.ts";
import { type Handler, json, ollamaFixture, refusedPort, silent, useServers } from "./serve.ts";

const tempDir = useTempDirs();
const serve = useServers();

/** An Ollama stand-in answering the three endpoints with fixtures (or handlers). */
function ollama(version: string | Handler, tags: string | Handler, ps: string | Handler | undefined) {
  const route = (r: string | Handler) => (typeof r === "string" ? json(ollamaFixture(r)) : r);
  return serve({
    "/api/version": route(version),
    "/api/tags": route(tags),
    ...(ps === undefined ? {} : { "/api/ps": route(ps) }),
  });
}

describe("ollama probe", () => {
  it("reports version, expected models and the loaded model's memory (docs/api.md answers)", async () => {
    const server = await ollama(
      "api-version-docs-apimd.json",
      "api-tags-2-models-docs-apimd.json",
      "api-ps-1-model-fully-in-vram-docs-apimd.json",
    );
    const probes = loadProbes(tempDir(), [
      { name: "ollama-gpu", kind: "ollama", url: server.url, expectedModels: ["llama3.2", "deepseek-r1:latest", "qwen2.5:14b"] },
    ]);
    const obs = await collectOnce({ probes });
    const id = { probe: "ollama-gpu" };
    expect(outcomeOf(obs, "ollama-gpu")).toEqual({ up: 0, status: "missing_model", message: "not installed: qwen2.5:14b" });
    expect(sampleValue(obs, "vigil_ollama_up", id)).toBe(1);
    expect(stateValue(obs, "vigil_ollama_version", id)).toBe("0.5.1");
    expect(sampleValue(obs, "vigil_ollama_models_installed", id)).toBe(2);
    expect(sampleValue(obs, "vigil_ollama_model_present", { ...id, model: "llama3.2" })).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_model_present", { ...id, model: "deepseek-r1:latest" })).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_model_present", { ...id, model: "qwen2.5:14b" })).toBe(0);
    const mistral = { ...id, model: "mistral:latest" };
    expect(sampleValue(obs, "vigil_ollama_models_loaded", id)).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_size_bytes", mistral)).toBe(5_137_025_024);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_vram_bytes", mistral)).toBe(5_137_025_024);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_expires_timestamp_seconds", mistral)).toBeCloseTo(1_717_537_111.837_53, 4);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_context_length", mistral)).toBeUndefined();
    expect(server.requests.sort()).toEqual(["GET /api/ps", "GET /api/tags", "GET /api/version"]);
  });

  it("passes with every expected model installed, and shows a model partly offloaded to CPU (openapi answers)", async () => {
    const server = await ollama(
      "api-version-openapi.json",
      "api-tags-1-model-openapi.json",
      "api-ps-partial-vram-context-length-openapi.json",
    );
    const probes = loadProbes(tempDir(), [{ name: "ollama-cpu", kind: "ollama", url: `${server.url}/`, expectedModels: ["gemma4"] }]);
    const obs = await collectOnce({ probes });
    const gemma = { probe: "ollama-cpu", model: "gemma4" };
    expect(outcomeOf(obs, "ollama-cpu")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(stateValue(obs, "vigil_ollama_version", { probe: "ollama-cpu" })).toBe("0.12.6");
    expect(sampleValue(obs, "vigil_ollama_model_present", gemma)).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_size_bytes", gemma)).toBe(6_591_830_464);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_vram_bytes", gemma)).toBe(5_333_539_264);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_context_length", gemma)).toBe(4096);
    expect(sampleValue(obs, "vigil_ollama_loaded_model_expires_timestamp_seconds", gemma)).toBeCloseTo(1_760_744_827.933_55, 4);
  });

  it("accepts an Ollama without /api/ps (404) and the 2023 tags shape: no loaded-model series at all", async () => {
    const server = await ollama("api-version-docs-apimd.json", "api-tags-2-models-families-null-docs-apimd-2023.json", undefined);
    const probes = loadProbes(tempDir(), [{ name: "old", kind: "ollama", url: server.url, expectedModels: ["codellama:13b", "llama2"] }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "old")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_ollama_model_present", { probe: "old", model: "llama2" })).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_models_installed", { probe: "old" })).toBe(2);
    expect(obs.samples.filter((s) => s.name.startsWith("vigil_ollama_loaded") || s.name === "vigil_ollama_models_loaded")).toEqual([]);
  });

  it("reports an unreachable server as ollama_up 0 and refused, with no model samples", async () => {
    const port = await refusedPort();
    const probes = loadProbes(tempDir(), [
      { name: "ollama-gpu", kind: "ollama", url: `http://127.0.0.1:${port}`, expectedModels: ["llama3.2"] },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "ollama-gpu")).toEqual({ up: 0, status: "refused", message: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(sampleValue(obs, "vigil_ollama_up", { probe: "ollama-gpu" })).toBe(0);
    expect(obs.samples.filter((s) => s.name.startsWith("vigil_ollama_model"))).toEqual([]);
    expect(stateValue(obs, "vigil_ollama_version", { probe: "ollama-gpu" })).toBeUndefined();
  });

  it("fails a garbage /api/tags with invalid_response naming it, keeping what the other endpoints said", async () => {
    const garbage: Handler = (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<html>502 Bad Gateway</html>");
    const server = await ollama("api-version-openapi.json", garbage, "api-ps-partial-vram-context-length-openapi.json");
    const probes = loadProbes(tempDir(), [{ name: "ollama-gpu", kind: "ollama", url: server.url, expectedModels: ["gemma4"] }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "ollama-gpu")).toMatchObject({ up: 0, status: "invalid_response" });
    expect(outcomeOf(obs, "ollama-gpu").message).toMatch(/^\/api\/tags: the answer is not JSON/);
    expect(sampleValue(obs, "vigil_ollama_up", { probe: "ollama-gpu" })).toBe(1);
    expect(sampleValue(obs, "vigil_ollama_model_present", { probe: "ollama-gpu", model: "gemma4" })).toBeUndefined();
    expect(sampleValue(obs, "vigil_ollama_loaded_model_vram_bytes", { probe: "ollama-gpu", model: "gemma4" })).toBe(5_333_539_264);
  });

  it("fails a 500 from /api/version with bad_status and ollama_up 0", async () => {
    const server = await ollama(
      json('{"error":"internal"}', 500),
      "api-tags-1-model-openapi.json",
      "api-ps-partial-vram-context-length-openapi.json",
    );
    const probes = loadProbes(tempDir(), [{ name: "o", kind: "ollama", url: server.url }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "o")).toEqual({ up: 0, status: "bad_status", message: "/api/version: HTTP 500, expected 2xx" });
    expect(sampleValue(obs, "vigil_ollama_up", { probe: "o" })).toBe(0);
  });

  it("times out when /api/ps never answers (a server stuck loading a model)", async () => {
    const server = await ollama("api-version-openapi.json", "api-tags-1-model-openapi.json", silent);
    const probes = loadProbes(tempDir(), [{ name: "o", kind: "ollama", url: server.url, timeout: "400ms" }]);
    const started = performance.now();
    const obs = await collectOnce({ probes });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcomeOf(obs, "o")).toEqual({ up: 0, status: "timeout", message: "no answer within 400 ms" });
    expect(sampleValue(obs, "vigil_ollama_up", { probe: "o" })).toBe(0);
  });
});
