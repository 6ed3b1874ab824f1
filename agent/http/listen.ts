import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningServer } from "../../shared/http/serve.ts";
import { nodeHttp } from "./node-builtins.ts";
import type { AgentRequest, Router } from "./router.ts";

/**
 * Serves the agent's routes on host:port with node:http, and resolves once it listens (or rejects,
 * e.g. EADDRINUSE). The agent's counterpart of shared/http/serve.ts, which serves the hub's Hono app
 * through @hono/node-server and would bring undici into the agent (see router.ts).
 */
export function listen(app: Router, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = nodeHttp().createServer((req, res) => void serveOne(app, req, res));
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const info = server.address() as AddressInfo;
      const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; end idle ones now.
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function serveOne(app: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The endpoints are GETs: whatever body a client sends is read and dropped, so keep-alive goes on.
  req.resume();
  const reply = await app.handle(toAgentRequest(req));
  const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  try {
    res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.byteLength) });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch (err) {
    // A header node refuses (a newline in a value) must not take the agent down: drop this connection.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

function toAgentRequest(req: IncomingMessage): AgentRequest {
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  return {
    method: req.method ?? "GET",
    path: decodePath(rawPath),
    query: new URLSearchParams(q === -1 ? "" : target.slice(q + 1)),
    header(name) {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** `/%68ealthz` is `/healthz`, as Hono decoded it; a malformed escape is left as it is (and matches nothing). */
function decodePath(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
