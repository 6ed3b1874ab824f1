import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOllama, startFakeOllama } from "../../../bench/failover-fake-ollama.ts";
import type { RunningServer } from "../../../shared/http/serve.ts";
import { closedPort } from "../../cli/support/ports.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type FailoverHarness, failoverHarness } from "../failover/harness.ts";

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const STREAM = readFileSync(
  join(import.meta.dirname, "..", "failover", "fixtures", "api-generate-stream-gemma3-27b-blog-capture.ndjson"),
  "utf8",
);
const LINES = STREAM.trimEnd().split("\n");
const PROMPT = JSON.stringify({ model: "gemma3:27b", prompt: "Who was first President of India" });

interface Stack {
  h: FailoverHarness;
  hub: RunningServer;
  gpu: FakeOllama;
  cpu: FakeOllama;
}

async function fake(o: Parameters<typeof startFakeOllama>[0]): Promise<FakeOllama> {
  const s = await startFakeOllama(o);
  cleanup.push(() => s.kill());
  return s;
}

/** The hub with a proxied group over two fake Ollama servers; their health is set by hand (h.set). */
async function stack(o: { gpu?: Parameters<typeof startFakeOllama>[0]; proxy?: string; gpuUrl?: string } = {}): Promise<Stack> {
  const gpu = await fake({ name: "ollama-gpu", stream: LINES, ...o.gpu });
  const cpu = await fake({ name: "ollama-cpu", stream: LINES });
  const h = failoverHarness(
    tempDir(),
    `failover:
  groups:
    ollama:
      proxy: ${o.proxy ?? "{ enabled: true }"}
      members:
        - { name: ollama-gpu, host: gpu-box, kind: ollama, url: "${o.gpuUrl ?? gpu.url}", headers: { x-api-key: gpu-secret-1 } }
        - { name: ollama-cpu, host: gpu-box, kind: ollama, url: "${cpu.url}" }
`,
  );
  cleanup.push(() => h.close());
  const hub = await h.serve();
  cleanup.push(() => hub.close());
  return { h, hub, gpu, cpu };
}

describe("the proxy", () => {
  it("passes a streamed NDJSON generation through line by line, as the member sends it", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { hub, gpu } = await stack({ gpu: { holdAfterLines: 1, release: held } });
    const res = await fetch(`${hub.url}/proxy/ollama/api/generate`, { method: "POST", body: PROMPT, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    expect(res.headers.get("x-vigil-failover-member")).toBe("ollama-gpu");
    expect(res.headers.get("x-vigil-failover-epoch")).toBe("1");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The member holds the rest back until the first line has reached the client: a proxy that
    // buffered the answer would never deliver it, and this read would time out.
    let received = "";
    while (!received.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toBe(`${LINES[0]}\n`);
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toBe(STREAM);
    expect(JSON.parse(LINES.at(-1) ?? "{}")).toMatchObject({ done: true, done_reason: "stop", eval_count: 62 });
    expect(gpu.seen.at(-1)).toMatchObject({ method: "POST", path: "/api/generate", body: PROMPT });
  });

  it("cancels the member's answer when the client goes away", async () => {
    const { hub, gpu } = await stack({ gpu: { holdAfterLines: 1, release: new Promise(() => {}) } });
    const client = new AbortController();
    const res = await fetch(`${hub.url}/proxy/ollama/api/generate`, { method: "POST", body: PROMPT, signal: client.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    await waitFor("the member's stream to be cut off", () => gpu.cutOff() === 1 || undefined, 5000);
  });

  it("forwards method, path, query and body, with the member's headers, and without hop-by-hop ones", async () => {
    const { hub } = await stack();
    // node:http, since fetch refuses to send a Connection header.
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${hub.url}/proxy/ollama/echo/a%20b?x=1&y=two`,
        { method: "PUT", headers: { "x-request-id": "r-17", connection: "keep-alive, x-hop", "x-hop": "gone", "x-api-key": "client-key" } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end("payload");
    });
    const echo = JSON.parse(answer) as { method: string; path: string; body: string; headers: Record<string, string>; server: string };
    expect(echo).toMatchObject({ method: "PUT", path: "/echo/a%20b?x=1&y=two", body: "payload", server: "ollama-gpu" });
    expect(echo.headers["x-request-id"]).toBe("r-17");
    expect(echo.headers["x-api-key"]).toBe("gpu-secret-1");
    expect(echo.headers["x-hop"]).toBeUndefined();
    expect(echo.headers["content-length"]).toBe("7");
    expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("keeps a path that looks like another host on the member", async () => {
    const { hub, gpu } = await stack();
    const res = await fetch(`${hub.url}/proxy/ollama//example.com/echo`);
    expect(res.status).toBe(404);
    expect(gpu.seen.at(-1)?.path).toBe("//example.com/echo");
  });

  it("follows the group's switch to the fallback", async () => {
    const { h, hub } = await stack();
    h.set("ollama-gpu", false, "/api/version: connection refused");
    for (let i = 0; i < 3; i++) {
      h.clock.now += 2000;
      await h.round("ollama");
    }
    const res = await fetch(`${hub.url}/proxy/ollama/api/generate`, {
      method: "POST",
      body: JSON.stringify({ model: "m", stream: false }),
    });
    expect(res.headers.get("x-vigil-failover-member")).toBe("ollama-cpu");
    expect(res.headers.get("x-vigil-failover-epoch")).toBe("2");
    expect(await res.json()).toMatchObject({ response: "OK from ollama-cpu", done: true });
  });

  it("answers 503 naming every member's state when none is healthy", async () => {
    const { h, hub } = await stack();
    h.set("ollama-gpu", false, "/api/version: connection refused");
    h.set("ollama-cpu", false, "/api/version: answered 500");
    for (let i = 0; i < 3; i++) {
      h.clock.now += 2000;
      await h.round("ollama");
    }
    const res = await fetch(`${hub.url}/proxy/ollama/api/tags`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: {
        code: "FAILOVER_NO_HEALTHY_MEMBER",
        message:
          "group ollama has no healthy member: ollama-gpu down (/api/version: connection refused); ollama-cpu down (/api/version: answered 500)",
      },
    });
    // Not one error line per refused request: the failover logged the group's state once.
    expect(h.logs.filter((l) => l.includes("request failed"))).toEqual([]);
    expect(h.logs.filter((l) => l.includes('"msg":"failover group has no healthy member"'))).toHaveLength(1);
  });

  it("answers 502 naming the member when it does not answer before the checks notice", async () => {
    const port = await closedPort();
    const { hub } = await stack({ gpuUrl: `http://127.0.0.1:${port}` });
    const res = await fetch(`${hub.url}/proxy/ollama/api/tags`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: "FAILOVER_UPSTREAM_FAILED", message: `ollama-gpu (http://127.0.0.1:${port}/) did not answer: connection refused` },
    });
  });

  it("wants one of the group's proxy tokens when it has some, and does not forward it", async () => {
    const { hub, gpu } = await stack({ proxy: "{ enabled: true, tokens: [proxy-token-5] }" });
    const none = await fetch(`${hub.url}/proxy/ollama/echo`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("PROXY_TOKEN_MISSING");
    const wrong = await fetch(`${hub.url}/proxy/ollama/echo`, { headers: { authorization: "Bearer nope" } });
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("PROXY_TOKEN_INVALID");
    const ok = await fetch(`${hub.url}/proxy/ollama/echo`, { headers: { authorization: "Bearer proxy-token-5" } });
    expect(ok.status).toBe(200);
    expect(gpu.seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("is not there for a group without proxy.enabled", async () => {
    const { hub } = await stack({ proxy: "{ enabled: false }" });
    const res = await fetch(`${hub.url}/proxy/ollama/api/tags`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("FAILOVER_PROXY_NOT_FOUND");
  });
});
