import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../support/temp-dir.ts";
import { collectOnce, loadProbes, outcomeOf, sampleValue } from "./harness.ts";
import { hugeBody, json, refusedPort, silent, useServers } from "./serve.ts";

const tempDir = useTempDirs();
const serve = useServers();

describe("http probe", () => {
  it("passes on a 2xx whose body contains the text, recording status and latency", async () => {
    const server = await serve({ "/": (_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("Ollama is running") });
    const probes = loadProbes(tempDir(), [
      { name: "ollama-gpu-root", kind: "http", url: `${server.url}/`, bodyContains: "Ollama is running" },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "ollama-gpu-root")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "ollama-gpu-root" })).toBe(200);
    const seconds = sampleValue(obs, "vigil_probe_duration_seconds", { probe: "ollama-gpu-root", kind: "http" });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    expect(server.requests).toEqual(["GET /"]);
  });

  it("fails a wrong status with bad_status, keeping the status it got", async () => {
    const server = await serve({ "/healthz": json('{"status":"starting"}', 503) });
    const probes = loadProbes(tempDir(), [{ name: "api", kind: "http", url: `${server.url}/healthz` }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "api")).toEqual({ up: 0, status: "bad_status", message: "HTTP 503, expected 2xx" });
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "api" })).toBe(503);
  });

  it("does not follow redirects: a 301 passes only when listed", async () => {
    const server = await serve({ "/old": (_req, res) => void res.writeHead(301, { location: "/new" }).end() });
    const probes = loadProbes(tempDir(), [
      { name: "listed", kind: "http", url: `${server.url}/old`, expectStatus: [301, 302] },
      { name: "default", kind: "http", url: `${server.url}/old` },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "listed")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(outcomeOf(obs, "default")).toEqual({ up: 0, status: "bad_status", message: "HTTP 301, expected 2xx" });
    expect(server.requests).toEqual(["GET /old", "GET /old"]);
  });

  it("fails a body without the text with body_mismatch", async () => {
    const server = await serve({ "/": (_req, res) => void res.writeHead(200).end("<html>nginx default page</html>") });
    const probes = loadProbes(tempDir(), [{ name: "web", kind: "http", url: `${server.url}/`, bodyContains: "Ollama is running" }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "web")).toEqual({ up: 0, status: "body_mismatch", message: 'body lacks "Ollama is running"' });
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "web" })).toBe(200);
  });

  it("stops reading a huge body at maxBodyBytes: the text past it is not found, and the server is cut off", async () => {
    const big = hugeBody(64 * 1024 * 1024, "NEEDLE");
    const server = await serve({ "/big": big.handler });
    const probes = loadProbes(tempDir(), [
      { name: "big", kind: "http", url: `${server.url}/big`, bodyContains: "NEEDLE", maxBodyBytes: 4096 },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "big")).toEqual({ up: 0, status: "body_mismatch", message: 'body lacks "NEEDLE" (first 4096 bytes read)' });
    await expect.poll(() => big.closed(), { timeout: 5000 }).toBe(true);
    // The socket buffers hold a few MB at most: far from the 64 MiB the server meant to send.
    expect(big.written()).toBeLessThan(big.total / 4);
  });

  it("passes a big body without bodyContains, reading no more than maxBodyBytes", async () => {
    const server = await serve({ "/big": (_req, res) => void res.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, "y")) });
    const probes = loadProbes(tempDir(), [{ name: "big", kind: "http", url: `${server.url}/big` }]);
    expect(outcomeOf(await collectOnce({ probes }), "big")).toEqual({ up: 1, status: "ok", message: "ok" });
  });

  it("sends the method, headers (secrets resolved) and body", async () => {
    const seen: Array<{ method?: string; auth?: string; body: string }> = [];
    const server = await serve({
      "/api/generate": (req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
          seen.push({ method: req.method, auth: req.headers.authorization, body });
          res.writeHead(200).end('{"done":true}');
        });
      },
    });
    const probes = loadProbes(
      tempDir(),
      [
        {
          name: "gen",
          kind: "http",
          method: "POST",
          url: `${server.url}/api/generate`,
          headers: { Authorization: { env: "GEN_AUTH" } },
          body: '{"model":"llama3.2","prompt":"ping","stream":false}',
          bodyContains: '"done":true',
        },
      ],
      { GEN_AUTH: "Bearer t0ken" },
    );
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "gen")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(seen).toEqual([{ method: "POST", auth: "Bearer t0ken", body: '{"model":"llama3.2","prompt":"ping","stream":false}' }]);
  });

  it("says refused for a closed port, with no status code sample", async () => {
    const port = await refusedPort();
    const probes = loadProbes(tempDir(), [{ name: "down", kind: "http", url: `http://127.0.0.1:${port}/` }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "down")).toEqual({ up: 0, status: "refused", message: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "down" })).toBeUndefined();
  });

  it("times out a server that never answers at the probe's timeout", async () => {
    const server = await serve({ "/": silent });
    const probes = loadProbes(tempDir(), [{ name: "hung", kind: "http", url: `${server.url}/`, timeout: "300ms" }]);
    const started = performance.now();
    const obs = await collectOnce({ probes });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcomeOf(obs, "hung")).toEqual({ up: 0, status: "timeout", message: "no answer within 300 ms" });
    expect(sampleValue(obs, "vigil_probe_duration_seconds", { probe: "hung" })).toBeGreaterThanOrEqual(0.29);
  });
});

describe("tcp probe", () => {
  it("passes when the port accepts, and says refused when it does not", async () => {
    const server = await serve({});
    const closed = await refusedPort();
    const probes = loadProbes(tempDir(), [
      { name: "postgres", kind: "tcp", port: server.port },
      { name: "postgres-replica", kind: "tcp", host: "127.0.0.1", port: closed },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "postgres")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_probe_duration_seconds", { probe: "postgres", kind: "tcp" })).toBeGreaterThan(0);
    expect(outcomeOf(obs, "postgres-replica")).toEqual({ up: 0, status: "refused", message: `connect ECONNREFUSED 127.0.0.1:${closed}` });
    // Connect and close only: nothing is ever sent to the service.
    expect(server.requests).toEqual([]);
  });
});
