import type { MuteReason } from "../notify/alert-sink.ts";
import { formatSpan, formatTime } from "../notify/render/describe.ts";
import type { Limits } from "./limits.ts";

/**
 * The `remediation` annotation of an alert's notifications, one line saying what remediation did
 * and with what result. Pure, so the wording is tested as it will read in Slack and email.
 */

/** "run 1 of 3 per 1h" */
export function runCount(run: number, limits: Limits): string {
  return `run ${run} of ${limits.maxRuns} per ${formatSpan(limits.windowMs)}`;
}

export function requestedNote(what: string, run: number, limits: Limits): string {
  return `${what}: requested automatically (${runCount(run, limits)})`;
}

export function waitingNote(what: string, at: number, run: number, limits: Limits): string {
  return `${what}: next try at ${formatTime(at)} (back-off; ${runCount(run, limits)})`;
}

export function resultNote(what: string, detail: string, run: number, limits: Limits): string {
  return `${what}: ${detail} (${runCount(run, limits)})`;
}

export function pausedNote(what: string, m: MuteReason): string {
  return `${what}: paused by ${m.kind} ${m.id}${m.comment ? ` (${m.comment})` : ""}; it runs when the ${m.kind} ends if the alert still fires`;
}

export function gaveUpNote(why: string): string {
  return `gave up: ${why}`;
}

export function limitReason(what: string, runs: number, limits: Limits): string {
  return `${what} ran ${runs} time${runs === 1 ? "" : "s"} within ${formatSpan(limits.windowMs)} (limit ${limits.maxRuns}) and the alert fired again`;
}

export function persistedReason(what: string, detail: string, limits: Limits, sampled: boolean): string {
  const span = formatSpan(limits.verifyAfterMs);
  return sampled
    ? `the condition still held ${span} after ${what} (${detail})`
    : `no new reading came within ${span} after ${what} (${detail}), so it cannot be told whether it helped`;
}
