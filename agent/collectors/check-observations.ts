import { checkNumericSample, checkStateRecord } from "../../shared/protocol/fast-check.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import type { FieldIssue } from "../../shared/validation/issues.ts";
import type { Observations } from "./collector.ts";

export interface CheckedObservations {
  valid: Observations;
  /** What was dropped and why, e.g. `samples[3].value: must be a finite number, got null`. */
  dropped: FieldIssue[];
}

/**
 * Keeps only observations the hub will accept, checked with the wire rules (the hand-written twin of
 * the zod schemas, shared/protocol/fast-check.ts, which keeps zod out of the agent). A collector's bad
 * reading (NaN, a malformed label) is dropped here, named, rather than making the whole batch
 * unsendable later: one bad sample must never stop the rest from reaching the hub.
 */
export function checkObservations(obs: Observations): CheckedObservations {
  const dropped: FieldIssue[] = [];
  const samples: NumericSample[] = [];
  const states: StateRecord[] = [];
  obs.samples.forEach((s, i) => {
    const r = checkNumericSample(s, ["samples", i]);
    if (r.ok) samples.push(r.value);
    else dropped.push(withName(r.issue, s.name));
  });
  obs.states.forEach((s, i) => {
    const r = checkStateRecord(s, ["states", i]);
    if (r.ok) states.push(r.value);
    else dropped.push(withName(r.issue, s.name));
  });
  return { valid: { samples, states }, dropped };
}

function withName(issue: FieldIssue, name: unknown): FieldIssue {
  return { path: issue.path, message: `${issue.message} (${typeof name === "string" ? name : "unnamed"})` };
}
