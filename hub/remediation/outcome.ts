import type { ActionRecord } from "../../shared/actions/api.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { RunOutcome } from "./remediation-store.ts";

const DETAIL_MAX = 500;

/** An action's audit record as a run's outcome, with one line saying what happened. */
export function outcomeOf(r: ActionRecord, now: number): RunOutcome & { succeeded: boolean } {
  const base = { requestId: r.requestId, exitCode: r.exitCode, durationMs: r.durationMs, finishedAt: r.finishedAt ?? now };
  return { ...base, status: r.status, succeeded: r.status === "succeeded", detail: cut(detailOf(r)) };
}

/** A request the hub could not make at all (HubActions.run threw). */
export function outcomeOfError(err: unknown, now: number): RunOutcome & { succeeded: false } {
  const what = err instanceof ApiError ? `${err.code}: ${err.message}` : `the hub could not request it: ${(err as Error).message}`;
  return {
    status: "refused",
    requestId: null,
    exitCode: null,
    durationMs: null,
    finishedAt: now,
    detail: cut(`refused by the hub: ${what}`),
    succeeded: false,
  };
}

function detailOf(r: ActionRecord): string {
  const took = r.durationMs === null ? "" : `, ${seconds(r.durationMs)}`;
  switch (r.status) {
    case "succeeded":
      return `succeeded (exit ${r.exitCode ?? "?"}${took})`;
    case "failed":
      return `failed (exit ${r.exitCode ?? "?"}${took})${firstLine(r.stderr) || firstLine(r.stdout) ? `: ${firstLine(r.stderr) || firstLine(r.stdout)}` : ""}`;
    case "timed_out":
      return `timed out (killed after ${r.durationMs === null ? "its timeout" : seconds(r.durationMs)})`;
    case "refused": {
      const by = r.refusedBy === "hub" ? "the hub" : "the agent";
      const code = r.refusal ? `${r.refusal.code}: ${r.refusal.message}` : "no reason given";
      // The agent enforces the risk classes: these mean the hub's allow list calls a danger action safer than it is.
      const hint =
        r.refusal?.code === "ADMIN_REQUIRED" || r.refusal?.code === "CONFIRM_REQUIRED"
          ? ` (the agent's catalog classes ${r.action} as danger: correct remediation.actions.${r.action}.risk)`
          : "";
      return `refused by ${by}: ${code}${hint}`;
    }
    case "expired":
      // The hub's refusal says which: never fetched, or handed over but never confirmed by the agent.
      return r.refusal
        ? `expired: ${r.refusal.message}`
        : "expired: the agent did not fetch the request in time (is it running, with actions.catalog and actions.hubPublicKey?)";
    case "dry_run":
      return "dry run only";
    default:
      return `no result yet (${r.status}); see vigil action log --request ${r.requestId}`;
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

function firstLine(text: string): string {
  return (text.trim().split("\n", 1)[0] ?? "").trim();
}

function cut(text: string): string {
  return text.length <= DETAIL_MAX ? text : `${text.slice(0, DETAIL_MAX - 1)}…`;
}
