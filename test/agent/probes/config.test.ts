import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";
import { ROOT } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function load(yaml: string, env: Record<string, string> = {}) {
  const file = join(tempDir(), "agent.yaml");
  writeFileSync(file, yaml);
  return loadConfig({ schema: agentConfigSchema, file, fileRequired: true, envOverrides: [], env }).config.collectors.probes;
}

/** Loads `probes:` items (YAML, indented as list items under collectors.probes.probes). */
function loadItems(items: string, env: Record<string, string> = {}) {
  return load(`collectors:\n  probes:\n    probes:\n${items.replace(/^/gm, "      ")}\n`, env);
}

/** The YAML examples of the probes section of docs/collectors.md. */
function docsExamples(): string[] {
  const docs = readFileSync(join(ROOT, "docs", "collectors.md"), "utf8");
  const section = docs.slice(docs.indexOf("## probes"), docs.indexOf("\n## ", docs.indexOf("## probes") + 1));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

describe("collectors.probes config", () => {
  it("defaults to enabled with no probes, every 30 s within 20 s", () => {
    expect(load("")).toEqual({ enabled: true, interval: 30_000, timeout: 20_000, probes: [] });
  });

  it("loads the docs' examples into the probes they describe", () => {
    const [hostB, hostA] = docsExamples().map((yaml) => load(yaml).probes);
    expect(hostB?.map((p) => [p.name, p.kind, p.timeout])).toEqual([
      ["ollama-gpu", "ollama", 5000],
      ["ollama-cpu", "ollama", 10_000],
      ["ollama-gpu-root", "http", 5000],
      ["host-a-predictions", "freshness", 5000],
      ["postgres", "tcp", 5000],
    ]);
    expect(hostB?.[0]).toMatchObject({ url: "http://127.0.0.1:11434", expectedModels: ["llama3.1:8b", "qwen2.5:14b"] });
    expect(hostB?.[2]).toMatchObject({ method: "GET", bodyContains: "Ollama is running", maxBodyBytes: 65_536 });
    expect(hostB?.[3]).toMatchObject({
      maxAge: 600_000,
      source: { type: "http", url: "http://host-a.lan:8080/api/predictions/latest", jsonPath: "$.created_at", headers: {} },
    });
    expect(hostB?.[4]).toMatchObject({ host: "127.0.0.1", port: 5432 });
    expect(hostA?.map((p) => (p.kind === "freshness" ? [p.name, p.source, p.maxAge] : p.name))).toEqual([
      ["predictions-file", { type: "file", path: "/srv/inference/predictions/latest.json" }, 600_000],
      ["predictions-newest", { type: "command", argv: ["/usr/local/bin/last-prediction-time", "--utc"] }, 600_000],
    ]);
  });

  it("takes one expected status or a list", () => {
    const [one, list] = loadItems(
      "- { name: a, kind: http, url: 'http://127.0.0.1:1/', expectStatus: 204 }\n- { name: b, kind: http, url: 'http://127.0.0.1:1/', expectStatus: [200, 301] }",
    ).probes;
    expect(one).toMatchObject({ expectStatus: [204] });
    expect(list).toMatchObject({ expectStatus: [200, 301] });
  });

  it("resolves header secrets from the environment and never prints them", () => {
    const [probe] = loadItems("- name: api\n  kind: http\n  url: http://127.0.0.1:8080/\n  headers: { Authorization: { env: API_AUTH } }", {
      API_AUTH: "Bearer s3cret",
    }).probes;
    if (probe?.kind !== "http") throw new Error("expected the http probe");
    expect(probe.headers.Authorization?.reveal()).toBe("Bearer s3cret");
    expect(JSON.stringify(probe)).not.toContain("s3cret");
    expect(inspect(probe, { depth: 5 })).not.toContain("s3cret");
  });

  it("names an unknown kind and what is accepted", () => {
    expect(() => loadItems("- { name: x, kind: htp }")).toThrow(
      'collectors.probes.probes[0].kind: expected kind "http", "tcp", "freshness", "ollama", got "htp"',
    );
    expect(() => loadItems("- { name: x }")).toThrow(
      'collectors.probes.probes[0].kind: expected kind "http", "tcp", "freshness", "ollama", got none',
    );
  });

  it("names a missing or bad field of the chosen kind", () => {
    expect(() => loadItems("- { name: pg, kind: tcp }")).toThrow("collectors.probes.probes[0].port: is required (expected number)");
    expect(() => loadItems("- { name: pg, kind: tcp, port: 70000 }")).toThrow(/collectors\.probes\.probes\[0\]\.port: .*65535/);
    expect(() => loadItems("- { name: web, kind: http, url: 'ftp://x/' }")).toThrow(
      'collectors.probes.probes[0].url: expected an http:// or https:// URL, got the string "ftp://x/"',
    );
    expect(() => loadItems("- { name: web, kind: http, url: 'http://x/', bodyContain: ok }")).toThrow(
      "collectors.probes.probes[0].bodyContain: is not a known key (check the spelling)",
    );
    expect(() => loadItems("- { name: 'a b', kind: tcp, port: 1 }")).toThrow(
      /collectors\.probes\.probes\[0\]\.name: expected 1-128 letters/,
    );
  });

  it("wants exactly one freshness source, and jsonPath with http only", () => {
    const at = "collectors.probes.probes[0].source";
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: {} }")).toThrow(
      `${at}: expected exactly one of file, http or command, got none`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: { file: /a, command: [date] } }")).toThrow(
      `${at}: expected exactly one of file, http or command, got file and command`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: { http: 'http://a/' } }")).toThrow(
      `${at}.jsonPath: is required with http (where the timestamp is in the JSON answer)`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: { file: /a, jsonPath: $.at } }")).toThrow(
      `${at}.jsonPath: is only used with http`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: { http: 'http://a/', jsonPath: '$..at' } }")).toThrow(
      `${at}.jsonPath: expected a path such as $.last.timestamp or predictions[0].at, got the string "$..at"`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, maxAge: 10m, source: { command: [] } }")).toThrow(
      `${at}.command: expected the program and its arguments`,
    );
    expect(() => loadItems("- { name: f, kind: freshness, source: { file: /a } }")).toThrow(
      "collectors.probes.probes[0].maxAge: expected string or number, got nothing",
    );
  });

  it("refuses two probes of one name, and a probe timeout not shorter than the cycle's", () => {
    expect(() => loadItems("- { name: pg, kind: tcp, port: 5432 }\n- { name: pg, kind: tcp, port: 5433 }")).toThrow(
      'collectors.probes.probes[1].name: another probe is already named "pg"',
    );
    expect(() =>
      load("collectors:\n  probes:\n    timeout: 10s\n    probes:\n      - { name: pg, kind: tcp, port: 5432, timeout: 10s }\n"),
    ).toThrow("collectors.probes.probes[0].timeout: must be shorter than collectors.probes.timeout (10000 ms), got 10000 ms");
  });
});
