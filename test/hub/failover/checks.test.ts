import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOllama, startFakeOllama } from "../../../bench/failover-fake-ollama.ts";
import { buildMemberCheck } from "../../../hub/failover/checks/build-checks.ts";
import { evaluateFreshness, type FreshnessInput } from "../../../hub/failover/checks/freshness.ts";
import type { CheckContext } from "../../../hub/failover/checks/health-check.ts";
import { HttpCheck } from "../../../hub/failover/checks/http-check.ts";
import { OllamaCheck } from "../../../hub/failover/checks/ollama-check.ts";
import { OpenAiCheck } from "../../../hub/failover/checks/openai-check.ts";
import { parseModelIds, parseOllamaGenerate, parseOllamaVersion } from "../../../hub/failover/checks/parse-answers.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { failoverConfigSchema, type MemberConfig } from "../../../hub/failover/config.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { closedPort } from "../../cli/support/ports.ts";

const tempDir = useTempDirs();
const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

const servers: Array<{ kill(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
});

async function ollama(o: Parameters<typeof startFakeOllama>[0] = {}): Promise<FakeOllama> {
  const s = await startFakeOllama(o);
  servers.push(s);
  return s;
}

/** A server that accepts requests and never answers. */
async function silent(): Promise<string> {
  const server: Server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ kill: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ctx = (o: Partial<CheckContext> = {}): CheckContext => ({
  now: 1_000_000,
  signal: AbortSignal.timeout(2000),
  active: true,
  activeSince: 0,
  ...o,
});
const lifetime = new AbortController().signal;

describe("parsers of inference servers' answers", () => {
  it("read the version of both documented /api/version answers", () => {
    expect(parseOllamaVersion(fixture("api-version-docs-apimd.json"))).toEqual({ value: "0.5.1" });
    expect(parseOllamaVersion(fixture("api-version-openapi.json"))).toEqual({ value: "0.12.6" });
  });

  it("say what is wrong with an empty, garbage or error answer", () => {
    expect(parseOllamaVersion("")).toEqual({ error: 'not JSON: ""' });
    expect(parseOllamaVersion("<html><body>502 Bad Gateway</body></html>")).toEqual({
      error: 'not JSON: "<html><body>502 Bad Gateway</body></html>"',
    });
    expect(parseOllamaVersion("[1]")).toEqual({ error: "not a JSON object" });
    expect(parseOllamaVersion('{"version": ""}')).toEqual({ error: "no version in the answer" });
    expect(parseOllamaGenerate('{"error":"model \\"llama3.2:1b\\" not found, try pulling it first"}')).toEqual({
      error: 'model "llama3.2:1b" not found, try pulling it first',
    });
  });

  it("read the text of a finished generation, in both documented shapes", () => {
    expect(parseOllamaGenerate(fixture("api-generate-nonstream-docs-apimd.json"))).toEqual({
      value: "The sky is blue because it is the color of the sky.",
    });
    expect(parseOllamaGenerate(fixture("api-generate-nonstream-done-reason-openapi.json"))).toEqual({
      value: "Hello! How can I help you today?",
    });
  });

  it("refuse a generation that has not finished (a streamed line)", () => {
    const first = fixture("api-generate-stream-gemma3-27b-blog-capture.ndjson").split("\n")[0] ?? "";
    expect(parseOllamaGenerate(first)).toEqual({ error: "the generation did not finish (done is not true)" });
  });

  it("read model ids from /v1/models, Ollama's null list as empty", () => {
    expect(parseModelIds(fixture("v1-models-1-model-ollama-middleware-test.json"))).toEqual({ value: ["test-model"] });
    expect(parseModelIds(fixture("v1-models-empty-data-null-ollama-middleware-test.json"))).toEqual({ value: [] });
    expect(parseModelIds('{"error":{"message":"Invalid API key","type":"invalid_request_error"}}')).toEqual({ error: "Invalid API key" });
  });
});

describe("OllamaCheck", () => {
  it("passes with the server's version", async () => {
    const s = await ollama({ version: "0.12.6" });
    expect(await new OllamaCheck({ url: s.url, headers: {}, lifetime }).run(ctx())).toEqual({ ok: true, detail: "ollama 0.12.6" });
  });

  it("fails on a refused connection, a server that never answers, and a non-JSON answer", async () => {
    const port = await closedPort();
    expect(await new OllamaCheck({ url: `http://127.0.0.1:${port}`, headers: {}, lifetime }).run(ctx())).toEqual({
      ok: false,
      detail: "/api/version: connection refused",
    });
    const hung = new OllamaCheck({ url: await silent(), headers: {}, lifetime });
    const started = performance.now();
    expect(await hung.run(ctx({ signal: AbortSignal.timeout(200) }))).toEqual({ ok: false, detail: "/api/version: timed out" });
    expect(performance.now() - started).toBeLessThan(1500);
    const s = await ollama();
    expect(await new OllamaCheck({ url: `${s.url}/echo-not-here`, headers: {}, lifetime }).run(ctx())).toMatchObject({
      ok: false,
      detail: "/api/version answered 404",
    });
  });

  it("runs the generation beside the checks, at most every `every`, and counts its last outcome", async () => {
    const s = await ollama({ generate: [404, '{"error":"model \\"llama3.2:1b\\" not found, try pulling it first"}'] });
    const check = new OllamaCheck({
      url: s.url,
      headers: {},
      lifetime,
      generate: { model: "llama3.2:1b", prompt: "Reply with OK.", every: 60_000, timeout: 2000 },
    });
    expect(await check.run(ctx({ now: 0 }))).toEqual({ ok: true, detail: "ollama 0.5.1, first generation with llama3.2:1b pending" });
    await new Promise((r) => setTimeout(r, 200));
    expect(await check.run(ctx({ now: 2000 }))).toEqual({
      ok: false,
      detail: 'generate with llama3.2:1b answered 404: model "llama3.2:1b" not found, try pulling it first',
    });
    const generations = s.seen.filter((r) => r.path === "/api/generate");
    expect(generations).toHaveLength(1);
    expect(JSON.parse(generations[0]?.body ?? "{}")).toEqual({
      model: "llama3.2:1b",
      prompt: "Reply with OK.",
      stream: false,
      options: { num_predict: 1 },
    });
  });
});

describe("OpenAiCheck and HttpCheck", () => {
  it("OpenAiCheck wants the model in /v1/models when it names one", async () => {
    const s = await ollama();
    expect(await new OpenAiCheck({ url: s.url, headers: {} }).run(ctx())).toEqual({ ok: true, detail: "1 model" });
    expect(await new OpenAiCheck({ url: s.url, headers: {}, model: "llama3.2:1b" }).run(ctx())).toMatchObject({ ok: true });
    expect(await new OpenAiCheck({ url: s.url, headers: {}, model: "qwen2.5:7b" }).run(ctx())).toEqual({
      ok: false,
      detail: "/v1/models does not list qwen2.5:7b (1 models)",
    });
  });

  it("HttpCheck passes any 2xx by default, or exactly the statuses listed", async () => {
    const s = await ollama();
    expect(await new HttpCheck({ url: `${s.url}/api/version`, method: "GET", headers: {} }).run(ctx())).toEqual({
      ok: true,
      detail: "HTTP 200",
    });
    expect(await new HttpCheck({ url: `${s.url}/nothing`, method: "GET", headers: {} }).run(ctx())).toEqual({
      ok: false,
      detail: "HTTP 404, expected 2xx",
    });
    expect(await new HttpCheck({ url: `${s.url}/nothing`, method: "GET", headers: {}, expectStatus: [404] }).run(ctx())).toMatchObject({
      ok: true,
    });
  });
});

describe("evaluateFreshness", () => {
  const NOW = 1_790_000_600_000;
  const base: FreshnessInput = {
    probe: "predictions",
    hostId: "box-a",
    host: { status: "up", lastSeen: NOW - 4_000 },
    samples: [
      { name: "vigil_freshness_age_seconds", labels: { probe: "predictions" }, timestamp: NOW - 10_000, value: 290 },
      { name: "vigil_freshness_max_age_seconds", labels: { probe: "predictions" }, timestamp: NOW - 10_000, value: 600 },
      { name: "vigil_freshness_age_seconds", labels: { probe: "other" }, timestamp: NOW - 10_000, value: 9999 },
    ],
    states: [],
    maxAgeMs: undefined,
    now: NOW,
    active: true,
    activeSince: NOW - 86_400_000,
  };

  it("ages the last reading by the time since it was taken", () => {
    expect(evaluateFreshness(base)).toEqual({ ok: true, detail: "output 300 s old (max 600 s)" });
    expect(evaluateFreshness({ ...base, now: NOW + 301_000, host: { status: "up", lastSeen: NOW + 300_000 } })).toEqual({
      ok: false,
      detail: "output 601 s old, over 600 s",
    });
  });

  it("takes the check's maxAge over the probe's", () => {
    expect(evaluateFreshness({ ...base, maxAgeMs: 120_000 })).toEqual({ ok: false, detail: "output 300 s old, over 120 s" });
  });

  it("fails a host that is down or never reported, and passes a standby whose host is up", () => {
    expect(evaluateFreshness({ ...base, host: { status: "down", lastSeen: NOW - 45_000 } })).toEqual({
      ok: false,
      detail: "host box-a is down (last report 45 s ago)",
    });
    expect(evaluateFreshness({ ...base, host: undefined })).toEqual({ ok: false, detail: "host box-a has never reported to the hub" });
    expect(evaluateFreshness({ ...base, active: false, samples: [] })).toEqual({ ok: true, detail: "standby; host box-a is up" });
  });

  it("gives a member that just became active maxAge to write its first output", () => {
    const fresh = { ...base, activeSince: NOW - 40_000, samples: [] as FreshnessInput["samples"], maxAgeMs: 600_000 };
    expect(evaluateFreshness(fresh)).toEqual({ ok: true, detail: "active for 40 s, no output yet (max 600 s)" });
    expect(evaluateFreshness({ ...base, activeSince: NOW - 40_000 })).toEqual({ ok: true, detail: "output 40 s old (max 600 s)" });
    expect(evaluateFreshness({ ...fresh, activeSince: NOW - 700_000 })).toEqual({
      ok: false,
      detail: 'host box-a reports no age for probe "predictions"',
    });
  });

  it("adds the probe's own words when it failed for another reason than the age", () => {
    const states = [
      { name: "vigil_probe_status", labels: { probe: "predictions", kind: "freshness" }, timestamp: NOW, state: "error" },
      {
        name: "vigil_probe_message",
        labels: { probe: "predictions", kind: "freshness" },
        timestamp: NOW,
        state: "ENOENT: /srv/predictions/latest.json",
      },
    ];
    expect(evaluateFreshness({ ...base, maxAgeMs: 60_000, states })).toEqual({
      ok: false,
      detail: "output 300 s old, over 60 s; the probe says error: ENOENT: /srv/predictions/latest.json",
    });
  });

  it("fails without a maxAge from the check or the probe", () => {
    expect(evaluateFreshness({ ...base, samples: base.samples.filter((s) => !s.name.includes("max")) })).toEqual({
      ok: false,
      detail: 'host box-a reports no probe "predictions" (and the check sets no maxAge)',
    });
  });
});

describe("member config", () => {
  const parse = (groups: unknown) => failoverConfigSchema.safeParse({ groups });

  it("gives endpoint members their kind's check and passes when all of a member's checks pass", async () => {
    const s = await ollama();
    const cfg = failoverConfigSchema.parse({
      groups: {
        g: {
          members: [
            { name: "a", host: "h", kind: "ollama", url: s.url, check: [{ kind: "ollama" }, { kind: "http", url: `${s.url}/nothing` }] },
            { name: "b", host: "h", kind: "openai", url: s.url },
          ],
        },
      },
    });
    const [a, b] = cfg.groups.g?.members ?? [];
    expect(b?.checks).toEqual([{ kind: "openai" }]);
    const readings = { host: () => undefined, latestSamples: () => [], latestStates: () => [] };
    // Parsed by the schema alone, the secrets are not resolved: these members have none.
    expect(await buildMemberCheck(a as unknown as MemberConfig, { readings, lifetime }).run(ctx())).toEqual({
      ok: false,
      detail: "HTTP 404, expected 2xx",
    });
    expect(await buildMemberCheck(b as unknown as MemberConfig, { readings, lifetime }).run(ctx())).toEqual({
      ok: true,
      detail: "1 model",
    });
  });

  it("the hub's config loader names the file, the path and the reason", () => {
    const file = join(tempDir(), "hub.yaml");
    writeFileSync(file, "failover:\n  groups:\n    predictions:\n      members:\n        - { name: job-a, host: box-a, kind: job }\n");
    expect(() => loadHubConfig({ configFile: file, env: {} })).toThrow(
      `${file}: failover.groups.predictions.members[0].check: is required for kind "job" (e.g. { kind: freshness, probe: <name> })`,
    );
  });

  it("names the path and the reason of a wrong member", () => {
    const job = parse({ p: { members: [{ name: "a", host: "box-a", kind: "job" }] } });
    expect(job.success).toBe(false);
    expect(job.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["groups.p.members.0.check", 'is required for kind "job" (e.g. { kind: freshness, probe: <name> })'],
    ]);
    const proxied = parse({
      p: { proxy: { enabled: true }, members: [{ name: "a", host: "box-a", kind: "job", check: { kind: "freshness", probe: "x" } }] },
    });
    expect(proxied.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["groups.p.members.0.url", "is required when proxy.enabled (where requests go)"],
    ]);
    const twice = parse({
      p: {
        members: [
          { name: "a", host: "h", kind: "http", url: "http://x" },
          { name: "a", host: "h", kind: "http", url: "http://y" },
        ],
      },
    });
    expect(twice.error?.issues[0]?.message).toBe('another member is named "a"');
    const kind = parse({ p: { members: [{ name: "a", host: "h", kind: "http", url: "http://x", check: { kind: "grpc" } }] } });
    expect(kind.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["groups.p.members.0.check.0.kind", 'expected kind "ollama", "openai", "http", "freshness", got "grpc"'],
    ]);
  });
});
