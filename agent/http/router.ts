import type { ErrorBody } from "../../shared/api/error-body.ts";

/** What a handler sees of a request: the agent's endpoints are GETs with a query and a few headers. */
export interface AgentRequest {
  method: string;
  /** Percent-decoded like Hono did, so a guard and the route always see the same path. */
  path: string;
  query: URLSearchParams;
  /** A header's value by its lower-case name. */
  header(name: string): string | undefined;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export type Handler = (req: AgentRequest) => Reply | Promise<Reply>;
/** Runs before the route; a reply ends the request there (a refused token), undefined lets it through. */
export type Guard = (req: AgentRequest) => Reply | undefined;

/** A JSON reply, with the content type Hono's c.json gave, so clients see the same answers as before. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/**
 * The agent's few routes, without Hono. With node:http and node:https taken through node-builtins.ts,
 * this took the running agent from 73.6 to 66.0 MB RSS (Node 24.21, lite mode, docs/benchmarks.md).
 * Beside their own size, Hono and @hono/node-server load Node's bundled undici: the server imports
 * node:http and node:http2 as ES modules, and Hono builds the global Request/Response (undici-backed
 * lazy globals) for every request. Five exact GET paths and two guards need neither a trie nor the
 * fetch API. Same behaviour as the Hono app had: guards run by path before routing (an unknown /api/
 * path without a token is 401, not 404), HEAD answers as GET without a body, anything else is a JSON
 * 404, and a handler's exception a JSON 500.
 */
export class Router {
  readonly #routes = new Map<string, Handler>();
  readonly #guards: Array<{ matches: (path: string) => boolean; guard: Guard }> = [];

  get(path: string, handler: Handler): void {
    if (this.#routes.has(path)) throw new Error(`route GET ${path} is registered twice`);
    this.#routes.set(path, handler);
  }

  /** `pattern` is an exact path, or `/prefix/*` for the prefix itself and everything under it. */
  guard(pattern: string, guard: Guard): void {
    const prefix = pattern.endsWith("/*") ? pattern.slice(0, -2) : undefined;
    const matches = prefix === undefined ? (p: string) => p === pattern : (p: string) => p === prefix || p.startsWith(`${prefix}/`);
    this.#guards.push({ matches, guard });
  }

  async handle(req: AgentRequest): Promise<Reply> {
    try {
      for (const g of this.#guards) {
        if (!g.matches(req.path)) continue;
        const refused = g.guard(req);
        if (refused !== undefined) return refused;
      }
      const handler = req.method === "GET" || req.method === "HEAD" ? this.#routes.get(req.path) : undefined;
      if (handler === undefined) {
        const body: ErrorBody = { error: { code: "NOT_FOUND", message: `no route for ${req.method} ${req.path}` } };
        return jsonReply(404, body);
      }
      return await handler(req);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const body: ErrorBody = { error: { code: "INTERNAL", message: `internal error: ${message}`.slice(0, 500) } };
      return jsonReply(500, body);
    }
  }
}
