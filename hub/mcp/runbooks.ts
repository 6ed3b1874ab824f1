import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult, Resource } from "@modelcontextprotocol/sdk/types.js";
import type { McpSettings } from "./config.ts";

export const FLEET_RUNBOOK_URI = "vigil://runbook/fleet";
const HOST_TEMPLATE = "vigil://runbook/host/{host}";

export function hostRunbookUri(host: string): string {
  return `vigil://runbook/host/${host}`;
}

/**
 * The runbook notes of the hub's config as MCP resources: vigil://runbook/host/<host> per host,
 * vigil://runbook/fleet for what holds everywhere. Resources rather than tool output so that the
 * assistant's application can show them and pin them into the context before anything is done on a
 * host; the tools point at them (`runbook` in host_state and list_actions). Any host's URI can be
 * read: one without notes says so, rather than failing, so "no notes" is an answer and not an error.
 */
export function registerRunbooks(server: McpServer, settings: Pick<McpSettings, "runbooks" | "fleetRunbook">): void {
  const markdown = (uri: URL, text: string): ReadResourceResult => ({ contents: [{ uri: uri.href, mimeType: "text/markdown", text }] });
  server.registerResource(
    "runbook-fleet",
    FLEET_RUNBOOK_URI,
    { title: "Runbook: every host", description: "Rules and danger zones that hold on every host", mimeType: "text/markdown" },
    (uri) => markdown(uri, settings.fleetRunbook ?? "No fleet-wide runbook notes are configured (mcp.fleetRunbook in the hub's config)."),
  );
  const listed: Resource[] = Object.keys(settings.runbooks)
    .sort()
    .map((host) => ({
      uri: hostRunbookUri(host),
      name: `runbook-${host}`,
      title: `Runbook: ${host}`,
      description: `What to know before acting on ${host}: its services, danger zones and habits`,
      mimeType: "text/markdown",
    }));
  server.registerResource(
    "runbook-host",
    new ResourceTemplate(HOST_TEMPLATE, { list: () => ({ resources: listed }) }),
    { title: "Runbook of a host", description: "A host's runbook notes (markdown) from the hub's config", mimeType: "text/markdown" },
    (uri, variables) => {
      const host = String(variables.host ?? "");
      const text = Object.hasOwn(settings.runbooks, host) ? settings.runbooks[host] : undefined;
      return markdown(uri, text ?? `No runbook notes are configured for ${host} (mcp.runbooks.${host} in the hub's config).`);
    },
  );
}
