import type { CallEnd, CallStart } from "./audit-store.ts";
import type { AuditNote } from "./tools/tool-kit.ts";

export type RpcId = string | number;

/** The audited calls of a JSON-RPC body (one message or a batch): tool calls and resource reads. Pure. */
export function callsIn(body: unknown): Array<Omit<CallStart, "client"> & { id: RpcId }> {
  const messages = Array.isArray(body) ? body : [body];
  const out: Array<Omit<CallStart, "client"> & { id: RpcId }> = [];
  for (const m of messages) {
    if (m === null || typeof m !== "object") continue;
    const { id, method, params } = m as { id?: unknown; method?: unknown; params?: unknown };
    if (typeof id !== "string" && typeof id !== "number") continue;
    const p = (params !== null && typeof params === "object" ? params : {}) as Record<string, unknown>;
    if (method === "tools/call") out.push({ id, kind: "tool", name: String(p.name ?? "").slice(0, 200), arguments: p.arguments ?? {} });
    if (method === "resources/read") out.push({ id, kind: "resource", name: String(p.uri ?? "").slice(0, 500), arguments: {} });
  }
  return out;
}

const RPC_CODES: Record<number, string> = {
  [-32700]: "PARSE_ERROR",
  [-32600]: "INVALID_REQUEST",
  [-32601]: "METHOD_NOT_FOUND",
  [-32602]: "INVALID_PARAMS",
  [-32603]: "INTERNAL_ERROR",
};

/**
 * How a call ended, from the JSON-RPC answer and what its handler noted (pure). A tool's own errors
 * carry their code in the note; the SDK's (arguments that fail the input schema, an unknown tool)
 * only in the answer, as `isError` with a text, or as a JSON-RPC error.
 */
export function callOutcome(id: RpcId, answer: unknown, note: AuditNote | undefined): Omit<CallEnd, "durationMs"> {
  const response = (Array.isArray(answer) ? answer : [answer]).find(
    (m): m is { id: RpcId; result?: Record<string, unknown>; error?: { code?: unknown; message?: unknown } } =>
      m !== null && typeof m === "object" && (m as { id?: unknown }).id === id,
  );
  const linked = { requestId: note?.requestId, pendingId: note?.pendingId };
  if (!response)
    return { outcome: "error", code: "NO_ANSWER", message: "the call ended without an answer (client gone, or the hub failed)" };
  if (response.error) {
    const code =
      typeof response.error.code === "number" ? (RPC_CODES[response.error.code] ?? `JSONRPC_${response.error.code}`) : "JSONRPC_ERROR";
    return { outcome: "error", code, message: String(response.error.message ?? ""), ...linked };
  }
  const result = response.result ?? {};
  if (result.isError === true) {
    if (note?.code) return { outcome: note.outcome ?? "error", code: note.code, message: note.message, ...linked };
    const text = firstText(result);
    return {
      outcome: "error",
      code: text.includes("Input validation error") ? "INVALID_ARGUMENTS" : "TOOL_ERROR",
      message: text,
      ...linked,
    };
  }
  return { outcome: note?.outcome ?? "ok", code: note?.code, message: note?.message, ...linked };
}

function firstText(result: Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as Array<{ type?: unknown; text?: unknown }>) : [];
  const text = content.find((c) => c.type === "text")?.text;
  return typeof text === "string" ? text : "";
}
