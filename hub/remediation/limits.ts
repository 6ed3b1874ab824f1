import type { RemediationSection, RuleRemediation } from "./config.ts";

/** A rule's limits, its own settings over remediation.defaults. Milliseconds. */
export interface Limits {
  maxRuns: number;
  windowMs: number;
  backoffMs: number;
  verifyAfterMs: number;
}

export function limitsOf(r: RuleRemediation, defaults: RemediationSection["defaults"]): Limits {
  return {
    maxRuns: r.maxRuns ?? defaults.maxRuns,
    windowMs: r.window ?? defaults.window,
    backoffMs: r.backoff ?? defaults.backoff,
    verifyAfterMs: r.verifyAfter ?? defaults.verifyAfter,
  };
}

export type Decision =
  /** Run now; `run` counts this one among the runs on the target in the window. */
  | { kind: "run"; run: number }
  /** Run at `at` (the back-off since the last run on the target has not passed), if still wanted then. */
  | { kind: "wait"; at: number; run: number }
  /** `runs` runs on the target within the window already: give up and escalate. */
  | { kind: "limit"; runs: number };

/**
 * Whether to run now, given when the earlier runs on the same target started. The back-off after
 * the k-th run in the window is backoff × 2^(k-1): a target that keeps failing is tried less and
 * less often, and never more than maxRuns times per window. Pure, so every case is tested with
 * plain numbers (test/hub/remediation/limits.test.ts).
 */
export function decide(runStarts: readonly number[], limits: Limits, now: number): Decision {
  const inWindow = runStarts.filter((t) => t > now - limits.windowMs && t <= now).sort((a, b) => a - b);
  if (inWindow.length >= limits.maxRuns) return { kind: "limit", runs: inWindow.length };
  const last = inWindow.at(-1);
  const run = inWindow.length + 1;
  if (last === undefined) return { kind: "run", run };
  const at = last + limits.backoffMs * 2 ** (inWindow.length - 1);
  return at <= now ? { kind: "run", run } : { kind: "wait", at, run };
}
