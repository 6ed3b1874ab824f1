import type { ActionAudit, AcceptedRow } from "./action-audit.ts";
import type { HandledResult } from "./handle-request.ts";
import type { NonceStore } from "./nonce-store.ts";

/**
 * What to do with a request the hub hands over again because this agent's ack never reached it
 * (docs/actions.md, delivery):
 * - `new`: this agent never got it (the first answer was lost on the way): handle it as usual.
 * - `finished`: it was handled already, and the hub still lacks the outcome (else it would not hand it
 *   over again): send `result` again, rebuilt from the audit. Nothing runs twice.
 * - `unfinished`: taken in but never finished (the agent stopped while it waited or ran): it is not
 *   run again; the audit and the agent's log say so.
 * None of these is a replay refusal: the hub asked again, nobody replayed a copy.
 */
export type Redelivery = { kind: "new" } | { kind: "finished"; result: HandledResult } | { kind: "unfinished"; status: string };

const FINISHED = new Set(["succeeded", "failed", "timed_out", "refused", "dry_run"]);

/** The decision for a redelivered request whose signature, address and expiry have been checked. */
export function redeliveryOf(requestId: string, agentId: string, o: { nonces: NonceStore; audit: ActionAudit }): Redelivery {
  const row = o.audit.firstAccepted(requestId);
  if (!row) {
    // Claimed but never audited: the agent stopped between the two writes, before anything ran.
    return o.nonces.seen(requestId) ? { kind: "unfinished", status: "claimed" } : { kind: "new" };
  }
  if (!FINISHED.has(row.status)) return { kind: "unfinished", status: row.status };
  return { kind: "finished", result: resultOf(requestId, agentId, row) };
}

/**
 * The result as it was first reported, field for field (handle-request.ts builds it the same way), so
 * that the hub can tell it is the same result if it had it already.
 */
function resultOf(requestId: string, agentId: string, row: AcceptedRow): HandledResult {
  const ran = row.status === "succeeded" || row.status === "failed" || row.status === "timed_out";
  return {
    requestId,
    agentId,
    action: row.action,
    status: row.status as HandledResult["status"],
    ...(row.refusalCode === null ? {} : { refusal: { code: row.refusalCode, message: row.refusalMessage ?? "" } }),
    argv: row.argv === null ? [] : (JSON.parse(row.argv) as string[]),
    exitCode: row.exitCode,
    stdout: row.stdout ?? "",
    stderr: row.stderr ?? "",
    outputTruncated: row.outputTruncated === 1,
    // A refusal or a dry run is answered at once: started when it was received, and took no time.
    startedAt: ran ? (row.startedAt ?? row.requestedAt) : row.requestedAt,
    durationMs: ran ? (row.durationMs ?? 0) : 0,
  };
}
