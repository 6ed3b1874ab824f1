import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS } from "../../agent/node-flags.ts";
import { formatPublicKey } from "../../shared/actions/signing.ts";
import { DIST, freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { containerFixture } from "../agent/containers/container-fixtures.ts";
import { useFakeEngines } from "../agent/containers/fake-engine.ts";
import { json, ollamaFixture, useServers } from "../agent/probes/serve.ts";

/**
 * Guards the agent's memory against a module that costs ~10 MB for nothing. Node's bundled undici
 * (fetch, Request, Response, Headers, WebSocket) is loaded by any ESM `import ... from "node:http"`
 * in the agent's module graph (a lazy `http.WebSocket` getter), by Hono, and by touching those
 * globals; the agent must load node:http through agent/http/node-builtins.ts and serve with its own
 * router (docs/benchmarks.md has the figures). RSS itself varies too much to assert: the bench
 * measures it. Node lists every internal module it has loaded in `process.moduleLoadList`; a
 * preload script writes that list when the process exits, so the agent's code needs no debug switch.
 */

const tempDir = useTempDirs();
const start = useProcesses();
const startFakeEngine = useFakeEngines();
const serve = useServers();
const spawned: ChildProcess[] = [];
afterEach(() => {
  for (const c of spawned.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Writes the preload script into `dir`; the process it is preloaded into leaves its module list in `listFile`. */
function moduleListPreload(dir: string, listFile: string): string {
  const script = join(dir, "module-list-at-exit.mjs");
  writeFileSync(
    script,
    [
      'import { writeFileSync } from "node:fs";',
      'import { registerHooks } from "node:module";',
      // Every ES module the process resolves (zod, yaml, the agent's own files), beside Node's internal ones.
      "const urls = [];",
      "registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.push(r.url); return r; } });",
      `process.on("exit", () => writeFileSync(${JSON.stringify(listFile)}, [...process.moduleLoadList, ...urls].join("\\n")));`,
    ].join("\n"),
  );
  return script;
}

/** Starts `node <flags> --import <preload> <args>`, and resolves with its module list once it has exited. */
function runWithModuleList(dir: string, nodeArgs: string[], env: Record<string, string>) {
  const listFile = join(dir, "modules.txt");
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, "--import", moduleListPreload(dir, listFile), ...nodeArgs], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.push(child);
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const modules = new Promise<string[]>((resolve, reject) =>
    child.once("exit", (code, signal) => {
      if (code !== 0) return reject(new Error(`exited with ${code ?? signal}: ${output}`));
      resolve(readFileSync(listFile, "utf8").split("\n"));
    }),
  );
  // Handled here too, so a test that fails before awaiting the list (the child then killed) leaves no unhandled rejection.
  modules.catch(() => undefined);
  return { child, output: () => output, modules };
}

/** A GET with node:http, without fetch's decompression, counting the body's bytes. */
function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, signal: AbortSignal.timeout(5000) }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const undiciIn = (modules: string[]) => modules.filter((m) => m.includes("undici"));
/** yaml and the config schemas are loaded in the short-lived config child (agent/config/load-in-child.ts), never in the daemon. */
const configLoadingIn = (modules: string[]) => modules.filter((m) => /\/node_modules\/yaml\/|\/agent\/config\/(schema|load)\.js$/.test(m));
/** zod (~2.7 MB of RSS) is for the config child and the hub; the agent's parsers read JSON with agent/collectors/json-fields.ts. */
const zodIn = (modules: string[]) => modules.filter((m) => m.includes("/node_modules/zod/"));
/** Tracing is off without telemetry.endpoint, and then nothing of it is loaded (shared/telemetry/start-tracing.ts). */
const tracingIn = (modules: string[]) =>
  modules.filter((m) => /\/node_modules\/(@opentelemetry|@grpc)\/|\/shared\/telemetry\/otel-backend\.js$/.test(m));

describe("the running agent's module footprint", () => {
  it("never loads undici (fetch, Hono, an ESM import of node:http), nor TLS while nothing uses https", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    start("hub/main.js", [], { VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub") });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);

    // Every collector at its defaults, plus probes of the hub, so the steady state uses the http client too.
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      [
        "collectors:",
        "  probes:",
        "    interval: 1s",
        "    probes:",
        "      - { kind: http, name: hub, url: " + `"${hubUrl}/healthz"` + " }",
        "      - { kind: tcp, name: hub-port, port: " + String(hubPort) + " }",
      ].join("\n"),
    );
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    const agent = runWithModuleList(dir, [join(DIST, "agent/main.js"), "--config", config], {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_AGENT_ID: "footprint",
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    });

    type Ready = { push: { batchesSent: number }; collectors: Array<{ name: string; state: string }> };
    const ready = await waitFor(
      "two batches pushed to the hub",
      async () => {
        const r = await getJson<Ready>(`${agentUrl}/readyz`);
        return r.body.push.batchesSent >= 2 ? r.body : undefined;
      },
      20_000,
    );
    expect(ready.collectors.find((c) => c.name === "probes")?.state).toBe("ok");
    // Every endpoint, plain and gzip, and the answers the router makes itself.
    for (const path of ["/healthz", "/readyz", "/metrics", "/api/v1/snapshot", "/api/v1/samples?after=0"]) {
      expect((await get(`${agentUrl}${path}`)).status, path).toBe(200);
      expect((await get(`${agentUrl}${path}`, { "accept-encoding": "gzip" })).status, path).toBe(200);
    }
    expect(await get(`${agentUrl}/healthz`, {}, "HEAD")).toEqual({ status: 200, bytes: 0 });
    expect((await get(`${agentUrl}/nowhere`)).status).toBe(404);
    expect((await get(`${agentUrl}/api/v1/samples?after=x`)).status).toBe(400);
    const sent = ready.push.batchesSent;
    await waitFor(
      "another push after the scrapes",
      async () => (await getJson<Ready>(`${agentUrl}/readyz`)).body.push.batchesSent > sent || undefined,
    );

    agent.child.kill("SIGTERM");
    const modules = await agent.modules;
    // The list is real: the server, the client and the gzip answers are in it.
    expect(modules).toEqual(expect.arrayContaining(["NativeModule http", "NativeModule _http_server", "NativeModule zlib"]));
    expect(undiciIn(modules)).toEqual([]);
    expect(modules.filter((m) => /^NativeModule (https|tls|_tls_wrap|http2)$/.test(m))).toEqual([]);
    // The ES-module list is real too, and the config was loaded elsewhere.
    expect(modules.some((m) => m.endsWith("/agent/run-agent.js"))).toBe(true);
    expect(configLoadingIn(modules)).toEqual([]);
    expect(zodIn(modules)).toEqual([]);
    expect(modules.some((m) => m.endsWith("/shared/telemetry/start-tracing.js"))).toBe(true);
    expect(tracingIn(modules)).toEqual([]);
    // Self-metrics through prom-client's metric files (agent/metrics/prom-client-lib.ts), never its index, which
    // brings the Pushgateway, the cluster aggregator and the timer-driven default metrics (+12.7 MB); its
    // heap-space metrics are left out too (node:v8). (cluster and perf_hooks come with node:net and node:http.)
    expect(modules.some((m) => m.endsWith("/node_modules/prom-client/lib/histogram.js"))).toBe(true);
    const promClientIndex = /\/node_modules\/prom-client\/(index|lib\/(pushgateway|cluster|defaultMetrics))\.js$/;
    expect(modules.filter((m) => promClientIndex.test(m))).toEqual([]);
    expect(modules.filter((m) => /^NativeModule v8$/.test(m))).toEqual([]);
  });

  it("never loads zod, with the containers and Ollama parsers running against a fake Docker socket and a fake Ollama", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const hub = start("hub/main.js", [], { VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub") });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    const engine = await startFakeEngine(dir, {
      list: containerFixture("engine-api-containers-json-4-containers-exited-running-restarting-watchtower.json"),
      inspect: {
        b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008: containerFixture(
          "engine-api-container-inspect-running-watchtower.json",
        ),
        ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b65: containerFixture(
          "engine-api-container-inspect-exited-code1-watchtower.json",
        ),
      },
    });
    const ollama = await serve({
      "/api/version": json(ollamaFixture("api-version-docs-apimd.json")),
      "/api/tags": json(ollamaFixture("api-tags-2-models-docs-apimd.json")),
      "/api/ps": json(ollamaFixture("api-ps-1-model-fully-in-vram-docs-apimd.json")),
    });
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      [
        "collectors:",
        "  containers:",
        "    interval: 1s",
        `    runtimes: [{ kind: docker, socket: "${engine.socket}" }]`,
        "  probes:",
        "    interval: 1s",
        "    probes:",
        `      - { kind: ollama, name: ollama, url: "${ollama.url}", expectedModels: [llama3.2] }`,
      ].join("\n"),
    );
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    const agent = runWithModuleList(dir, [join(DIST, "agent/main.js"), "--config", config], {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_AGENT_ID: "footprint-parsers",
      VIGIL_PUSH_INTERVAL: "1s",
    });
    type Ready = { push: { batchesSent: number }; collectors: Array<{ name: string; state: string }> };
    const inspect = "GET /containers/b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008/json";
    const ready = await waitFor(
      "two container cycles and two Ollama probes, then a push",
      async () => {
        const r = await getJson<Ready>(`${agentUrl}/readyz`);
        const cycles = engine.requests.filter((q) => q === inspect).length;
        const probes = ollama.requests.filter((q) => q === "GET /api/ps").length;
        return cycles >= 2 && probes >= 2 && r.body.push.batchesSent >= 2 ? r.body : undefined;
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent: ${agent.output()}\nhub: ${hub.output()}`);
    });
    // The parsers read the answers: the collectors are ok, and what they read is in the agent's metrics.
    expect(ready.collectors.filter((c) => c.name === "containers" || c.name === "probes")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "containers", state: "ok" }),
        expect.objectContaining({ name: "probes", state: "ok" }),
      ]),
    );
    const metrics = await new Promise<string>((resolve, reject) => {
      request(`${agentUrl}/metrics`, { signal: AbortSignal.timeout(5000) }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve(text));
        res.on("error", reject);
      })
        .on("error", reject)
        .end();
    });
    expect(metrics).toMatch(/^vigil_ollama_models_installed\{[^}]*probe="ollama"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^vigil_container_[a-z_]+\{[^}]*name="portainer"/m);

    agent.child.kill("SIGTERM");
    const modules = await agent.modules;
    expect(modules.some((m) => m.endsWith("/agent/collectors/containers/parse-inspect.js"))).toBe(true);
    expect(modules.some((m) => m.endsWith("/agent/collectors/probes/parse-ollama.js"))).toBe(true);
    expect(zodIn(modules)).toEqual([]);
    expect(configLoadingIn(modules)).toEqual([]);
  });

  it("with an action in its catalog (the long poll of actions uses the http client too), still no undici", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const hub = start("hub/main.js", [], { VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub") });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      [
        "actions:",
        `  hubPublicKey: "${formatPublicKey(generateKeyPairSync("ed25519").publicKey)}"`,
        "  catalog:",
        "    say-hello:",
        "      risk: safe",
        "      argv: [/bin/echo, hello]",
      ].join("\n"),
    );
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    const agent = runWithModuleList(dir, [join(DIST, "agent/main.js"), "--config", config], {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_AGENT_ID: "footprint-actions",
      VIGIL_PUSH_INTERVAL: "1s",
    });
    await waitFor(
      "two batches pushed, actions started",
      async () => {
        const r = await getJson<{ push: { batchesSent: number } }>(`${agentUrl}/readyz`);
        // The first poll goes out as the actions start; two pushes later it has been sent.
        return r.body.push.batchesSent >= 2 && agent.output().includes("taking action requests from the hub") ? true : undefined;
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent: ${agent.output()}\nhub: ${hub.output()}`);
    });
    agent.child.kill("SIGTERM");
    const modules = await agent.modules;
    expect(modules.some((m) => m.endsWith("/agent/actions/http-get.js"))).toBe(true);
    expect(undiciIn(modules)).toEqual([]);
    expect(configLoadingIn(modules)).toEqual([]);
    // Actions carry a traceparent and run inside the facade's withSpan, still without the SDK.
    expect(tracingIn(modules)).toEqual([]);
  });

  it("would see undici if something loaded it (the probe works)", async () => {
    const dir = tempDir();
    const script = join(dir, "touch-response.mjs");
    // What Hono does on every request: build a global Response, whose class comes from undici.
    writeFileSync(script, "void new Response('x').status;\n");
    expect(undiciIn(await runWithModuleList(dir, [script], {}).modules)).not.toEqual([]);
  });
});
