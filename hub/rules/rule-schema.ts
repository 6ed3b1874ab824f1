import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";
import { alertSeverity } from "../../shared/protocol/alert.ts";
import { agentId, metricName } from "../../shared/protocol/primitives.ts";
import { labelMatchers } from "./label-matchers.ts";
import { compileTemplate } from "./template.ts";
import { ruleRemediation } from "../remediation/config.ts";

export const NUMERIC_OPERATORS = [">", ">=", "<", "<=", "==", "!="] as const;
export type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

/** The severities a threshold can name, lowest first. */
export const THRESHOLD_LEVELS = ["warning", "critical"] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

const CONDITION_ALIASES: Record<string, NumericOperator> = { equals: "==", "not-equals": "!=" };

/** `>`, `>=`, `<`, `<=`, `==`, `!=`; on states `==` and `!=` (also written `equals` and `not-equals`). */
export const condition = z.preprocess(
  (v) => (typeof v === "string" ? (CONDITION_ALIASES[v] ?? v) : v),
  z.enum(NUMERIC_OPERATORS, { error: `expected one of ${NUMERIC_OPERATORS.join(" ")} (equals and not-equals also for states)` }),
);

export const ruleName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/, {
  error: "expected 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
});

const annotations = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: "expected a name such as summary" }),
  z.string().max(2000),
);

const clear = z.union([z.number(), z.strictObject({ warning: z.number().optional(), critical: z.number().optional() })], {
  error: "expected a number, or { warning, critical } numbers",
});

/** Everything a rule may say besides its name; all optional here, `checkRule` says what each kind needs. */
export const ruleFields = {
  description: z.string().max(500).optional(),
  /** What the rule watches: exactly one of a series, a state, or the host's heartbeat. */
  series: metricName.optional(),
  state: metricName.optional(),
  hostDown: z.literal(true, { error: "expected true" }).optional(),
  /** Matchers on the series' or state's labels. */
  labels: labelMatchers.optional(),
  /** Matchers on the labels of the host (agent.labels). */
  hostLabels: labelMatchers.optional(),
  /** Only these hosts (agent ids). */
  hosts: z.array(agentId).min(1).optional(),
  condition: condition.optional(),
  warning: z.number().optional(),
  critical: z.number().optional(),
  /** Hysteresis: the value at which an alert clears (default: its threshold). A number applies to the lowest level. */
  clear: clear.optional(),
  /** The state(s) compared by a state rule: `==` any of them, `!=` none of them. */
  value: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Severity of a state or host-down rule (a threshold rule's thresholds name theirs). */
  severity: alertSeverity.optional(),
  for: duration({ max: "7d" }).optional(),
  cooldown: duration({ max: "7d" }).optional(),
  /** Re-notify a still-firing alert this often; 0 never. */
  repeat: duration({ max: "30d" }).optional(),
  /** An active alert whose series is no longer reported (host up) resolves after this long. */
  absentAfter: duration({ min: "1m", max: "7d" }).optional(),
  annotations: annotations.optional(),
  /** A whitelisted action to ask for when the alert fires (hub/remediation, docs/remediation.md). */
  remediation: ruleRemediation.optional(),
};

type Clear = z.output<typeof clear>;
type Fields = { [K in keyof typeof ruleFields]: z.output<(typeof ruleFields)[K]> };

/** A rule as configured: user rules as written, built-in rules with overrides applied. Durations in ms. */
export type RuleConfig = { name: string } & Partial<Fields>;

type AddIssue = (path: ReadonlyArray<string | number>, message: string) => void;

/** Cross-field checks of one rule (the schema checks each field alone). */
export function checkRule(r: RuleConfig, add: AddIssue): void {
  const kinds = (["series", "state", "hostDown"] as const).filter((k) => r[k] !== undefined);
  if (kinds.length !== 1) {
    add([], `expected exactly one of series, state or hostDown, got ${kinds.length === 0 ? "none" : kinds.join(" and ")}`);
    return;
  }
  const notFor = (keys: ReadonlyArray<keyof RuleConfig>, why: string) => {
    for (const k of keys) if (r[k] !== undefined) add([k], `is not used ${why}`);
  };
  if (r.series !== undefined) checkThresholds(r, add, notFor);
  if (r.state !== undefined) {
    notFor(["warning", "critical", "clear"], "by a state rule (use value and severity)");
    if (r.condition === undefined) add(["condition"], "is required: == or != (equals or not-equals)");
    else if (r.condition !== "==" && r.condition !== "!=") add(["condition"], `expected == or != for a state, got ${r.condition}`);
    if (r.value === undefined) add(["value"], "is required: the state (or list of states) to compare with");
  }
  if (r.hostDown !== undefined) {
    notFor(["condition", "warning", "critical", "clear", "value", "labels", "absentAfter"], "by a hostDown rule");
  }
  for (const [key, text] of Object.entries(r.annotations ?? {})) {
    const t = compileTemplate(text);
    if (!t.ok) add(["annotations", key], t.error);
  }
}

function checkThresholds(r: RuleConfig, add: AddIssue, notFor: (keys: ReadonlyArray<keyof RuleConfig>, why: string) => void): void {
  notFor(["value", "severity"], "by a series rule (the thresholds warning and critical name the severity)");
  if (r.condition === undefined) {
    add(["condition"], `is required: one of ${NUMERIC_OPERATORS.join(" ")}`);
    return;
  }
  const op = r.condition;
  const levels = THRESHOLD_LEVELS.filter((l) => r[l] !== undefined);
  if (levels.length === 0) {
    add([], "expected a threshold: warning, critical or both");
    return;
  }
  if (op === "==" || op === "!=") {
    if (levels.length > 1) add(["critical"], `expected warning or critical, not both, with ${op}`);
    if (r.clear !== undefined) add(["clear"], `is not used with ${op} (only with > >= < <=)`);
    return;
  }
  const upward = op === ">" || op === ">=";
  if (r.warning !== undefined && r.critical !== undefined && (upward ? r.critical < r.warning : r.critical > r.warning)) {
    add(["critical"], `must be ${upward ? "at least" : "at most"} warning (${r.warning}) with condition ${op}`);
  }
  const clears = clearByLevel(r.clear, levels);
  for (const level of levels) {
    const at = clears[level];
    const threshold = r[level] as number;
    if (at === undefined) continue;
    if (upward ? at > threshold : at < threshold) {
      const path = typeof r.clear === "number" ? ["clear"] : ["clear", level];
      add(path, `must be ${upward ? "at most" : "at least"} the ${level} threshold (${threshold}) with condition ${op}, got ${at}`);
    }
  }
  if (r.clear !== undefined && typeof r.clear !== "number") {
    for (const level of THRESHOLD_LEVELS) {
      if (r.clear[level] !== undefined && r[level] === undefined) add(["clear", level], `is given but there is no ${level} threshold`);
    }
  }
}

/** The clear value of each level: a plain number belongs to the lowest configured level. */
export function clearByLevel(c: Clear | undefined, levels: readonly ThresholdLevel[]): Partial<Record<ThresholdLevel, number>> {
  if (c === undefined) return {};
  if (typeof c === "number") return levels[0] === undefined ? {} : { [levels[0]]: c };
  return { ...c };
}
