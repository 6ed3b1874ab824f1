import type { AlertSeverity } from "../../shared/protocol/alert.ts";
import type { RuleCondition } from "./compiled-rule.ts";
import type { NumericOperator } from "./rule-schema.ts";

/** What one evaluation looks at: a sample's value, a state, or whether the host is down. */
export type Observation = { kind: "value"; value: number } | { kind: "state"; state: string } | { kind: "hostDown"; down: boolean };

export function compare(op: NumericOperator, value: number, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

/**
 * The severities whose condition the observation meets, lowest first. A level that already held at
 * the previous evaluation (`holding`) is judged against its clear value instead of its threshold:
 * that is the hysteresis, so a value hovering at the threshold does not flap.
 */
export function levelsMet(cond: RuleCondition, obs: Observation, holding: ReadonlySet<AlertSeverity>): AlertSeverity[] {
  switch (cond.kind) {
    case "hostDown":
      return obs.kind === "hostDown" && obs.down ? [cond.severity] : [];
    case "state": {
      if (obs.kind !== "state") return [];
      const listed = cond.values.has(obs.state);
      return listed === (cond.op === "==") ? [cond.severity] : [];
    }
    case "numeric": {
      if (obs.kind !== "value") return [];
      const met: AlertSeverity[] = [];
      for (const level of cond.levels) {
        const against = holding.has(level.severity) ? level.clear : level.threshold;
        if (compare(cond.op, obs.value, against)) met.push(level.severity);
      }
      return met;
    }
  }
}

/** The threshold a severity of the rule stands for; null for state and host-down rules. */
export function thresholdOf(cond: RuleCondition, severity: AlertSeverity | null): number | null {
  if (cond.kind !== "numeric" || severity === null) return null;
  return cond.levels.find((l) => l.severity === severity)?.threshold ?? null;
}
