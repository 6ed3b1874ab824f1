import { numericSample, stateRecord } from "../../shared/protocol/samples.ts";
import { type FieldIssue, toFieldIssues } from "../../shared/validation/issues.ts";
import type { Observations } from "./collector.ts";

export interface CheckedObservations {
  valid: Observations;
  /** What was dropped and why, e.g. `samples[3].value: must be a finite number, got null`. */
  dropped: FieldIssue[];
}

/**
 * Keeps only observations the hub will accept, checked with the wire schema itself. A collector's bad
 * reading (NaN, a malformed label) is dropped here, named, rather than making the whole batch
 * unsendable later: one bad sample must never stop the rest from reaching the hub.
 */
export function checkObservations(obs: Observations): CheckedObservations {
  const dropped: FieldIssue[] = [];
  const samples = obs.samples.filter((s, i) => {
    const r = numericSample.safeParse(s, { reportInput: true });
    if (!r.success) dropped.push(...toFieldIssues(r.error.issues, ["samples", i]).map((d) => withName(d, s.name)));
    return r.success;
  });
  const states = obs.states.filter((s, i) => {
    const r = stateRecord.safeParse(s, { reportInput: true });
    if (!r.success) dropped.push(...toFieldIssues(r.error.issues, ["states", i]).map((d) => withName(d, s.name)));
    return r.success;
  });
  return { valid: { samples, states }, dropped };
}

function withName(issue: FieldIssue, name: unknown): FieldIssue {
  return { path: issue.path, message: `${issue.message} (${typeof name === "string" ? name : "unnamed"})` };
}
