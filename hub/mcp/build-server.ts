import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { registerRunbooks } from "./runbooks.ts";
import { TOOLS } from "./tools/index.ts";
import { registerTool, type ToolContext } from "./tools/tool-kit.ts";

export const SERVER_INSTRUCTIONS = `Vigil watches a fleet of self-hosted AI machines: GPUs, ZFS pools, containers, systemd units, probes, alerts and inference failover.
Start with fleet_overview; host_state shows one host; series_history its trends; alerts what fires.
Before any action on a host, read its runbook (vigil://runbook/host/<host>) and vigil://runbook/fleet: they name the danger zones.
Actions are whitelisted per host (list_actions). Safe ones run; caution ones need a reason; danger ones either are refused or wait for a person to confirm them: never try to get around a refusal.`;

/**
 * One validator for every server: left to itself, each McpServer builds its own Ajv instance (for
 * elicitation, which this server never asks for), and that was most of the cost of a call (measured
 * in docs/mcp.md).
 */
let validator: AjvJsonSchemaValidator | undefined;

/**
 * The MCP server of one request: every tool and runbook, bound to the calling client. The hub's
 * /mcp is stateless (each POST its own server, see handle-post.ts), so building it is part of
 * every call; it is a few registrations, no I/O.
 */
export function buildMcpServer(ctx: ToolContext, version: string): McpServer {
  validator ??= new AjvJsonSchemaValidator();
  const server = new McpServer(
    { name: "vigil", title: "Vigil", version },
    { capabilities: { tools: {}, resources: {} }, instructions: SERVER_INSTRUCTIONS, jsonSchemaValidator: validator },
  );
  for (const tool of TOOLS) registerTool(server, tool, ctx);
  registerRunbooks(server, ctx.settings);
  return server;
}
