import type { Context } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import { bearerToken } from "../auth/tokens.ts";

/** Who is calling through MCP: the name every audit row records (as `mcp:<name>` on action requests). */
export interface McpClient {
  name: string;
}

export interface McpClientAuthOptions {
  /** mcp.clients */
  clients: ReadonlyArray<{ name: string; token: Secret }>;
  /** auth.adminTokens: each acts as the client "admin". */
  adminTokens: readonly Secret[];
}

/**
 * The MCP client behind a request to /mcp. A bearer token must be one of mcp.clients (or an admin
 * token); every token is compared, so timing does not tell which one nearly matched. With neither
 * configured, only requests from the hub's own machine are accepted, as "local", under the same rule
 * as the admin API (loopback peer, no proxy header). Operator tokens are not accepted: an assistant
 * gets a token of its own, so its calls are told apart from people's in every audit.
 */
export async function authenticateMcpClient(c: Context, o: McpClientAuthOptions): Promise<McpClient> {
  if (o.clients.length + o.adminTokens.length === 0) {
    await adminAuth({ adminTokens: [] })(c, async () => {});
    return { name: "local" };
  }
  const token = bearerToken(c.req.header("authorization"));
  if (token === undefined) {
    throw new ApiError(401, "MCP_TOKEN_MISSING", "MCP needs a client token (mcp.clients): send 'Authorization: Bearer <token>'");
  }
  if (token === null) throw new ApiError(401, "MCP_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
  let found: McpClient | undefined;
  for (const client of o.clients) if (client.token.equals(token) && !found) found = { name: client.name };
  for (const t of o.adminTokens) if (t.equals(token) && !found) found = { name: "admin" };
  if (!found) throw new ApiError(401, "MCP_TOKEN_INVALID", "the token is not one of this hub's MCP client (or admin) tokens");
  return found;
}
