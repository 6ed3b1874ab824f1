/** What a check is told besides the time: whether its member is the active one, and since when. */
export interface CheckContext {
  now: number;
  /** Aborted at the group's check timeout (or when the hub stops). */
  signal: AbortSignal;
  active: boolean;
  /** When the member became active (meaningful when `active`). */
  activeSince: number;
}

/** One check's outcome; `detail` says what was seen or why it failed, for the status and the switch reason. */
export interface CheckResult {
  ok: boolean;
  detail: string;
}

/**
 * One way of telling whether a member works (hub/failover/checks/<kind>-check.ts). A check never
 * throws: a failure, the timeout included, is a result with ok false.
 */
export interface HealthCheck {
  run(ctx: CheckContext): Promise<CheckResult>;
}

export const pass = (detail: string): CheckResult => ({ ok: true, detail });
export const fail = (detail: string): CheckResult => ({ ok: false, detail });
