import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { McpAuditStore } from "./audit-store.ts";
import { buildMcpServer } from "./build-server.ts";
import { callOutcome, callsIn, type RpcId } from "./call-outcome.ts";
import type { McpClient } from "./client-auth.ts";
import type { AuditNote, ToolContext } from "./tools/tool-kit.ts";

export interface McpPost {
  request: Request;
  /** The JSON body, already read and parsed (with its size limit) by the route. */
  body: unknown;
  client: McpClient;
  tools: Omit<ToolContext, "client" | "note">;
  audit: McpAuditStore;
  version: string;
}

/**
 * One POST to /mcp, answered by a server and transport of its own: the hub's MCP endpoint is
 * stateless (no session id, JSON answers, no server-sent stream), so any number of clients, and the
 * `vigil mcp` relay, need nothing kept between requests, and a hub restart loses nothing. Nothing
 * in this server sends requests or notifications to the client, which is what sessions would be for.
 * Each tool call and resource read is audited: a row when it arrives, completed from the answer.
 */
export async function handleMcpPost(p: McpPost): Promise<Response> {
  const started = performance.now();
  const rows = new Map<RpcId, number>();
  for (const call of callsIn(p.body)) rows.set(call.id, p.audit.start({ client: p.client.name, ...call }));
  const notes = new Map<RpcId, AuditNote>();
  const note = (id: RpcId, n: AuditNote) => notes.set(id, { ...notes.get(id), ...n });
  const server = buildMcpServer({ ...p.tools, client: p.client, note }, p.version);
  // No sessionIdGenerator: stateless.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  let answer: unknown;
  try {
    const res = await transport.handleRequest(acceptingJson(p.request), { parsedBody: p.body });
    if (rows.size > 0)
      answer = await res
        .clone()
        .json()
        .catch(() => undefined);
    return res;
  } finally {
    const durationMs = performance.now() - started;
    for (const [id, row] of rows) p.audit.finish(row, { ...callOutcome(id, answer, notes.get(id)), durationMs });
    await server.close();
  }
}

/**
 * The SDK's transport wants `Accept: application/json, text/event-stream` even when it will answer
 * JSON, as this endpoint always does. A client that accepts JSON only (the `vigil mcp` relay, curl)
 * can read every answer, so it is let through rather than refused with 406.
 */
function acceptingJson(req: Request): Request {
  const accept = req.headers.get("accept") ?? "";
  if (accept.includes("text/event-stream") && accept.includes("application/json")) return req;
  if (accept !== "" && !accept.includes("application/json") && !accept.includes("*/*")) return req;
  const headers = new Headers(req.headers);
  headers.set("accept", "application/json, text/event-stream");
  return new Request(req.url, { method: req.method, headers });
}
