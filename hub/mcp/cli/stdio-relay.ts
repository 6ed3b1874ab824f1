import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export interface StdioRelayOptions {
  stdin: Readable;
  stdout: Writable;
  /** Sends one JSON-RPC request to the hub's /mcp and returns its JSON answer; throws with a message for the assistant. */
  post(message: JSONRPCMessage): Promise<unknown>;
  /** Lines for stderr, which MCP hosts show as the server's log (stdout carries only protocol). */
  log(line: string): void;
}

/** JSON-RPC's "server error" range: the hub could not be asked, or refused the token. */
const HUB_ERROR = -32000;

/**
 * `vigil mcp`: MCP over stdio for a desktop assistant, relayed to the hub's /mcp. Every request read
 * from stdin is posted to the hub with the CLI's URL and token, and the hub's answer is written back;
 * the tools, their policy and the audit all stay in the hub, so this process holds nothing but a
 * client token and works from any machine that reaches the hub. Framing is the SDK's stdio transport.
 *
 * Notifications and responses from the client are not forwarded: the hub's endpoint is stateless and
 * never asks the client anything, so `notifications/initialized` or a cancellation has nothing to act
 * on there. Resolves when stdin ends and every request in flight has been answered.
 */
export async function runStdioRelay(o: StdioRelayOptions): Promise<void> {
  const transport = new StdioServerTransport(o.stdin, o.stdout);
  const inFlight = new Set<Promise<void>>();
  transport.onerror = (err) => o.log(`vigil mcp: ${err.message}`);
  transport.onmessage = (message) => {
    if (!("method" in message) || !("id" in message)) return;
    const { id } = message;
    const task = o
      .post(message)
      .then(
        (answer) => transport.send(answer as JSONRPCMessage),
        (err: unknown) =>
          transport.send({ jsonrpc: "2.0", id, error: { code: HUB_ERROR, message: err instanceof Error ? err.message : String(err) } }),
      )
      .catch((err: unknown) => o.log(`vigil mcp: cannot write the answer: ${err instanceof Error ? err.message : String(err)}`));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  const ended = new Promise<void>((resolve) => {
    o.stdin.once("end", resolve);
    o.stdin.once("close", resolve);
  });
  await transport.start();
  await ended;
  while (inFlight.size > 0) await Promise.all(inFlight);
  await transport.close();
}
