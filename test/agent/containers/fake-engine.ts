import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { afterEach } from "vitest";

/** How the fake answers: like the engine, not at all (a hung daemon), or with a body that is not JSON. */
export type FakeEngineMode = "serve" | "hang" | "garbage";

export interface FakeEngineOptions {
  /** Body of `GET /containers/json?all=1` (a real list fixture). */
  list: string;
  /** Status of the list answer; default 200. */
  listStatus?: number;
  /** Body of `GET /containers/{id}/json` by id (real inspect fixtures); other ids get the engine's 404. */
  inspect: Record<string, string>;
}

export interface FakeEngine {
  socket: string;
  /** Every request, as `GET /path?query`, in arrival order. */
  requests: string[];
  mode: FakeEngineMode;
}

const LIST = /^\/(?:v\d+\.\d+\/)?containers\/json\?all=1$/;
const INSPECT = /^\/(?:v\d+\.\d+\/)?containers\/([^/?]+)\/json$/;

/**
 * A stand-in Docker Engine API on a unix socket in `dir`, serving fixtures on the paths the real
 * engine uses (unversioned or `/v1.41/`-style). Servers are closed, open connections included,
 * after each test.
 */
export function useFakeEngines(): (dir: string, options: FakeEngineOptions) => Promise<FakeEngine> {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });
  return async (dir, options) => {
    const engine: FakeEngine = { socket: join(dir, "engine.sock"), requests: [], mode: "serve" };
    const server = createServer((req, res) => {
      engine.requests.push(`${req.method} ${req.url}`);
      if (engine.mode === "hang") return;
      if (engine.mode === "garbage") return reply(res, 200, "<html><body>502 Bad Gateway</body></html>");
      const url = req.url ?? "";
      if (req.method === "GET" && LIST.test(url)) return reply(res, options.listStatus ?? 200, options.list);
      const id = INSPECT.exec(url)?.[1];
      if (req.method === "GET" && id !== undefined) {
        const body = options.inspect[decodeURIComponent(id)];
        return body === undefined ? reply(res, 404, JSON.stringify({ message: `No such container: ${id}` })) : reply(res, 200, body);
      }
      reply(res, 404, JSON.stringify({ message: "page not found" }));
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(engine.socket, () => resolve());
    });
    return engine;
  };
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}
