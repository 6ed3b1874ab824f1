import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { afterEach } from "vitest";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "ollama");

/** The text of a file in test/fixtures/ollama/. */
export function ollamaFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request seen, as "METHOD /path". */
  requests: string[];
}

/**
 * Real node:http servers on 127.0.0.1 with a free port, closed (open sockets destroyed) after each
 * test. `routes` maps "/path" to a handler; other paths answer 404.
 */
export function useServers(): (routes: Record<string, Handler>) => Promise<TestServer> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async (routes) => {
    const sockets = new Set<Socket>();
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const handler = routes[new URL(req.url ?? "/", "http://x").pathname];
      if (handler === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
        return;
      }
      handler(req, res);
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    );
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the test server has no port");
    return { url: `http://127.0.0.1:${address.port}`, port: address.port, requests };
  };
}

/** Answers `body` with `status` as JSON. */
export function json(body: string, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(body);
  };
}

/** Never answers (the request is read, no response is ever written). */
export const silent: Handler = () => undefined;

/** A port on 127.0.0.1 nothing listens on: bound, then closed. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * A handler streaming `total` bytes of "x" then `tail`, honouring backpressure, so how much it
 * wrote before the client hung up shows how much the client read.
 */
export function hugeBody(total: number, tail: string) {
  let written = 0;
  let closed = false;
  const handler: Handler = (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(total + Buffer.byteLength(tail)) });
    res.on("close", () => {
      closed = true;
    });
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      while (written < total && !closed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!closed) res.end(tail);
    };
    pump();
  };
  return { handler, total, written: () => written, closed: () => closed };
}
