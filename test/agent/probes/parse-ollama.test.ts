import { describe, expect, it } from "vitest";
import { parseOllamaPs, parseOllamaTags, parseOllamaVersion, sameModel } from "../../../agent/collectors/probes/parse-ollama.ts";
import { ollamaFixture } from "./serve.ts";

describe("parseOllamaVersion", () => {
  it("reads the version of each documented answer", () => {
    expect(parseOllamaVersion(ollamaFixture("api-version-docs-apimd.json"))).toBe("0.5.1");
    expect(parseOllamaVersion(ollamaFixture("api-version-openapi.json"))).toBe("0.12.6");
  });

  it("says what is wrong with an empty, non-JSON or misshapen answer", () => {
    expect(() => parseOllamaVersion("")).toThrow("/api/version: the answer is empty");
    expect(() => parseOllamaVersion("<html>502 Bad Gateway</html>")).toThrow(/^\/api\/version: the answer is not JSON \(Unexpected token/);
    expect(() => parseOllamaVersion('{"version": 5}')).toThrow("/api/version: version: expected string, got number 5");
    expect(() => parseOllamaVersion('{"version": ""}')).toThrow('/api/version: version: expected a non-empty string, got the string ""');
    expect(() => parseOllamaVersion(JSON.stringify({ version: "9".repeat(65) }))).toThrow(
      /^\/api\/version: version: expected a string of at most 64 characters, got the string "9{60}…"$/,
    );
    expect(() => parseOllamaVersion('["0.5.1"]')).toThrow("/api/version: expected object, got an array of 1");
  });
});

describe("parseOllamaTags", () => {
  it("reads the installed models of the current documented answer", () => {
    expect(parseOllamaTags(ollamaFixture("api-tags-2-models-docs-apimd.json"))).toEqual([
      { name: "deepseek-r1:latest", sizeBytes: 4_683_075_271 },
      { name: "llama3.2:latest", sizeBytes: 2_019_393_189 },
    ]);
    expect(parseOllamaTags(ollamaFixture("api-tags-1-model-openapi.json"))).toEqual([{ name: "gemma4", sizeBytes: 9_608_350_245 }]);
  });

  it("reads the 2023 shape (no model field, families null)", () => {
    expect(parseOllamaTags(ollamaFixture("api-tags-2-models-families-null-docs-apimd-2023.json"))).toEqual([
      { name: "codellama:13b", sizeBytes: 7_365_960_935 },
      { name: "llama2:latest", sizeBytes: 3_825_819_519 },
    ]);
  });

  it("reads no models from an empty list or null, and names the field of a misshapen one", () => {
    expect(parseOllamaTags('{"models":[]}')).toEqual([]);
    expect(parseOllamaTags('{"models":null}')).toEqual([]);
    expect(() => parseOllamaTags('{"models":[{"size":1}]}')).toThrow("/api/tags: models[0].name: is required (expected string)");
    expect(() => parseOllamaTags("{}")).toThrow("/api/tags: models: is required (expected array)");
    expect(() => parseOllamaTags("   \n")).toThrow("/api/tags: the answer is empty");
  });
});

describe("parseOllamaPs", () => {
  it("reads a model loaded entirely in VRAM", () => {
    const [model, ...rest] = parseOllamaPs(ollamaFixture("api-ps-1-model-fully-in-vram-docs-apimd.json"));
    expect(rest).toEqual([]);
    expect(model).toMatchObject({ name: "mistral:latest", sizeBytes: 5_137_025_024, vramBytes: 5_137_025_024, contextLength: undefined });
    // "2024-06-04T14:38:31.83753-07:00"
    expect(model?.expiresAtMs).toBeCloseTo(1_717_537_111_837.53, 3);
  });

  it("reads a model partly offloaded to CPU, with its context length", () => {
    const [model] = parseOllamaPs(ollamaFixture("api-ps-partial-vram-context-length-openapi.json"));
    expect(model).toMatchObject({ name: "gemma4", sizeBytes: 6_591_830_464, vramBytes: 5_333_539_264, contextLength: 4096 });
    // "2025-10-17T16:47:07.93355-07:00"
    expect(model?.expiresAtMs).toBeCloseTo(1_760_744_827_933.55, 3);
  });

  it("gives no VRAM or expiry when Ollama does not, rather than 0", () => {
    expect(parseOllamaPs('{"models":[{"name":"qwen3:8b","size":4700000000,"expires_at":"not a time"}]}')).toEqual([
      { name: "qwen3:8b", sizeBytes: 4_700_000_000, vramBytes: undefined, expiresAtMs: undefined, contextLength: undefined },
    ]);
  });

  it("names the field when a size is not a byte count", () => {
    expect(() => parseOllamaPs('{"models":[{"name":"m","size":"big"}]}')).toThrow(
      '/api/ps: models[0].size: expected number, got the string "big"',
    );
    expect(() => parseOllamaPs('{"models":[{"name":"m","size":1,"size_vram":-1}]}')).toThrow(/^\/api\/ps: models\[0\]\.size_vram: /);
  });
});

describe("sameModel", () => {
  it("reads a name without a tag as :latest, as Ollama does", () => {
    expect(sameModel("llama3.2", "llama3.2:latest")).toBe(true);
    expect(sameModel("gemma4", "gemma4")).toBe(true);
    expect(sameModel("llama3.2:latest", "llama3.2")).toBe(true);
    expect(sameModel("qwen2.5:7b", "qwen2.5:14b")).toBe(false);
    expect(sameModel("llama3.2", "llama3.2:1b")).toBe(false);
    expect(sameModel("registry.local:5000/team/model", "registry.local:5000/team/model:latest")).toBe(true);
  });
});
