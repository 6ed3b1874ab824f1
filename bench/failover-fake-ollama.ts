import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeOllama {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Streamed answers whose connection closed before the stream ended (the client went away). */
  cutOff(): number;
  /** Stops like a killed process: the port closes and open connections are cut. */
  kill(): Promise<void>;
}

export interface FakeOllamaOptions {
  /** Default: a free port. Give the old one to bring a killed server back. */
  port?: number;
  /** What /api/version answers. */
  version?: string;
  /** Named in non-streamed answers, so a client can tell which server answered. */
  name?: string;
  /** The NDJSON lines of a streamed /api/generate (a real capture, in tests and the benchmark). */
  stream?: readonly string[];
  /** Holds a streamed answer after this many lines until `release` resolves: proves nobody buffers it. */
  holdAfterLines?: number;
  release?: Promise<void>;
  /** What /api/generate answers when not streaming, as [status, body]. */
  generate?: readonly [number, string];
}

/**
 * A stand-in for an Ollama server on 127.0.0.1: /api/version, /api/generate (streamed as NDJSON
 * line by line, or in one answer with stream false), /v1/models, and /echo (the request as JSON,
 * which the real server does not have, for checking what a proxy forwards). Used by the failover
 * tests and bench/failover.ts.
 */
export function startFakeOllama(o: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const seen: SeenRequest[] = [];
  let cutOff = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      seen.push({ method: req.method ?? "GET", path, headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(typeof value === "string" ? value : JSON.stringify(value));
      };
      const route = path.split("?")[0];
      if (route === "/api/version" && req.method === "GET") return json(200, { version: o.version ?? "0.5.1" });
      if (route === "/v1/models" && req.method === "GET") {
        return json(200, { object: "list", data: [{ id: "llama3.2:1b", object: "model", created: 1_730_000_000, owned_by: "library" }] });
      }
      if (route === "/echo" || route?.startsWith("/echo/"))
        return json(200, { method: req.method, path, headers: req.headers, body, server: o.name ?? "ollama" });
      if (route === "/api/generate" && req.method === "POST") {
        let wantsStream = true;
        try {
          wantsStream = (JSON.parse(body) as { stream?: unknown }).stream !== false;
        } catch {
          return json(400, { error: "invalid JSON" });
        }
        if (!wantsStream) {
          const [status, text] = o.generate ?? [
            200,
            JSON.stringify({ model: "llama3.2:1b", response: `OK from ${o.name ?? "ollama"}`, done: true }),
          ];
          return json(status, text);
        }
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.on("close", () => {
          if (!res.writableFinished) cutOff++;
        });
        void streamLines(res, o.stream ?? [], o.holdAfterLines, o.release);
        return;
      }
      json(404, { error: `no route ${req.method} ${path}` });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        seen,
        cutOff: () => cutOff,
        kill: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function streamLines(res: import("node:http").ServerResponse, lines: readonly string[], holdAfter?: number, release?: Promise<void>) {
  for (const [i, line] of lines.entries()) {
    if (i === holdAfter && release) await release;
    if (res.destroyed) return;
    res.write(`${line}\n`);
    // One line per turn of the event loop, as a model emits tokens: never coalesced into one write.
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}
