import type { StoredAlert } from "../rules/alert-store.ts";
import type { RemediationEntry } from "./api.ts";
import { gaveUpNote } from "./notes.ts";
import { describePlan, type RemediationPlan } from "./plan.ts";
import type { EntryFields, RunOutcome } from "./remediation-store.ts";
import type { RemediationRule } from "./rule-table.ts";

/** Where remediation stands for one firing of one alert. */
export interface Episode {
  fingerprint: string;
  rule: RemediationRule;
  /** The firing it belongs to: a later firing of the same alert is another episode. */
  firingSince: number;
  phase: "waiting" | "running" | "verifying" | "paused" | "gave_up";
  timer?: NodeJS.Timeout | undefined;
  /** The `remediation` annotation of the alert's notifications. */
  note: string;
  /** The latest run: what it asked for (`restart-unit unit=x on box`), its number in the window, its outcome once known. */
  run?: { id: number; what: string; number: number; plan?: RemediationPlan; outcome?: RunOutcome & { succeeded: boolean } };
  /** Verification found no reading newer than the run once, and waits one more `verifyAfter`. */
  verifyExtended?: boolean;
}

export function newEpisode(rule: RemediationRule, alert: StoredAlert, now: number): Episode {
  return { fingerprint: alert.fingerprint, rule, firingSince: alert.state.firingSince ?? now, phase: "waiting", note: "" };
}

/**
 * The episode of a firing alert after a hub restart, from its log rows since it started firing: it
 * gave up (and stays so), or it was acted on (and is verified again, as after any run); undefined
 * when nothing was done yet, and remediation is to be considered afresh.
 */
export function resumedEpisode(
  rule: RemediationRule,
  alert: StoredAlert,
  rows: readonly RemediationEntry[],
  now: number,
): Episode | undefined {
  const ep = newEpisode(rule, alert, now);
  const gaveUp = rows.findLast((r) => r.kind === "gave_up");
  if (gaveUp !== undefined) return { ...ep, phase: "gave_up", note: gaveUpNote(gaveUp.detail) };
  const last = rows.findLast((r) => r.kind === "run");
  if (last === undefined || last.agentId === null) return undefined;
  const what = describePlan({ agentId: last.agentId, action: last.action, params: last.params as RemediationPlan["params"] });
  const status = last.status ?? "interrupted";
  const { requestId, exitCode, durationMs, detail } = last;
  const outcome = { status, requestId, exitCode, durationMs, detail, finishedAt: now, succeeded: true };
  return { ...ep, phase: "verifying", note: `${what}: ${status} before the hub restarted`, run: { id: last.id, what, number: 0, outcome } };
}

/** A log row's fields for an alert and the request planned for it (none when it could not be planned). */
export function entryFields(
  a: Pick<StoredAlert, "fingerprint" | "rule" | "hostId">,
  plan: RemediationPlan | undefined,
  action: string,
  now: number,
  detail: string,
): EntryFields {
  return {
    at: now,
    rule: a.rule,
    fingerprint: a.fingerprint,
    hostId: a.hostId,
    agentId: plan?.agentId ?? null,
    action: plan?.action ?? action,
    params: plan?.params ?? {},
    targetKey: plan?.targetKey ?? null,
    detail,
  };
}
