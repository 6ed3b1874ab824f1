import type { Hono } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import type { McpAuditStore } from "./audit-store.ts";
import { authenticateMcpClient, type McpClientAuthOptions } from "./client-auth.ts";
import type { McpPost } from "./handle-post.ts";
import { readCappedText } from "./read-body.ts";

/** JSON-RPC messages to this server are a tool name and a few arguments. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface McpRouteOptions {
  enabled: boolean;
  auth: McpClientAuthOptions;
  tools: McpPost["tools"];
  audit: McpAuditStore;
  version: string;
}

/**
 * /mcp: the Model Context Protocol over Streamable HTTP (stateless, JSON answers), behind the MCP
 * client tokens (client-auth.ts). The SDK and the tools are loaded on the first call: a hub whose
 * MCP endpoint is never used does not pay for them at start.
 */
export function registerMcpRoute(app: Hono, o: McpRouteOptions): void {
  let handler: Promise<typeof import("./handle-post.ts")> | undefined;

  app.post("/mcp", async (c) => {
    if (!o.enabled) throw new ApiError(404, "MCP_DISABLED", "this hub's MCP server is turned off (mcp.enabled: false)");
    const client = await authenticateMcpClient(c, o.auth);
    let body: unknown;
    try {
      body = JSON.parse(await readCappedText(c.req.raw, MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      return c.json(
        { jsonrpc: "2.0", id: null, error: { code: -32700, message: `Parse error: the body is not JSON (${(err as Error).message})` } },
        400,
      );
    }
    handler ??= import("./handle-post.ts");
    const { handleMcpPost } = await handler;
    return handleMcpPost({ request: c.req.raw, body, client, tools: o.tools, audit: o.audit, version: o.version });
  });

  // Stateless: no server-sent stream to open (GET) and no session to end (DELETE).
  app.on(["GET", "DELETE"], "/mcp", (c) => {
    c.header("allow", "POST");
    return c.json(
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless; POST JSON-RPC messages" },
      },
      405,
    );
  });
}
