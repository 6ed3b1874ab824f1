import type { AlertSeverity } from "../../shared/protocol/alert.ts";
import { compileLabelMatchers, type LabelPredicate } from "./label-matchers.ts";
import { clearByLevel, type NumericOperator, type RuleConfig, THRESHOLD_LEVELS } from "./rule-schema.ts";
import { type CompiledTemplate, compileTemplate } from "./template.ts";

export type RuleTarget = { kind: "series"; name: string } | { kind: "state"; name: string } | { kind: "hostDown" };

/** One severity of a threshold rule: it starts when the value crosses `threshold`, and holds until it crosses `clear`. */
export interface Level {
  severity: AlertSeverity;
  threshold: number;
  clear: number;
}

export type RuleCondition =
  /** Levels lowest severity first. */
  | { kind: "numeric"; op: NumericOperator; levels: readonly Level[] }
  | { kind: "state"; op: "==" | "!="; values: ReadonlySet<string>; severity: AlertSeverity }
  | { kind: "hostDown"; severity: AlertSeverity };

/** A rule ready to evaluate: matchers and templates compiled, defaults applied. */
export interface CompiledRule {
  name: string;
  builtin: boolean;
  target: RuleTarget;
  condition: RuleCondition;
  matchLabels: LabelPredicate;
  appliesToHost(hostId: string, hostLabels: Readonly<Record<string, string>>): boolean;
  forMs: number;
  cooldownMs: number;
  repeatMs: number;
  absentAfterMs: number;
  annotations: ReadonlyArray<readonly [string, CompiledTemplate]>;
}

/** Defaults of the timing settings (docs/alerts.md). */
export const RULE_DEFAULTS = { forMs: 0, cooldownMs: 5 * 60_000, repeatMs: 4 * 3_600_000, absentAfterMs: 15 * 60_000 } as const;

const DEFAULT_SUMMARY: Record<RuleTarget["kind"], string> = {
  series: "{{rule}} on {{host}}: {{value}} (threshold {{threshold}})",
  state: "{{rule}} on {{host}}: {{state}}",
  hostDown: "{{host}} is down",
};

/** Compiles a rule that passed the config checks (checkRule); anything else is a programming error. */
export function compileRule(r: RuleConfig, builtin: boolean): CompiledRule {
  const target: RuleTarget =
    r.series !== undefined
      ? { kind: "series", name: r.series }
      : r.state !== undefined
        ? { kind: "state", name: r.state }
        : { kind: "hostDown" };
  const hostMatch = compileLabelMatchers(r.hostLabels);
  const hosts = r.hosts === undefined ? undefined : new Set(r.hosts);
  const annotations = { summary: DEFAULT_SUMMARY[target.kind], ...r.annotations };
  return {
    name: r.name,
    builtin,
    target,
    condition: conditionOf(r, target),
    matchLabels: compileLabelMatchers(r.labels),
    appliesToHost: (hostId, hostLabels) => (hosts === undefined || hosts.has(hostId)) && hostMatch(hostLabels),
    forMs: r.for ?? RULE_DEFAULTS.forMs,
    cooldownMs: r.cooldown ?? RULE_DEFAULTS.cooldownMs,
    repeatMs: r.repeat ?? RULE_DEFAULTS.repeatMs,
    absentAfterMs: r.absentAfter ?? RULE_DEFAULTS.absentAfterMs,
    annotations: Object.entries(annotations).map(([key, text]) => [key, mustCompile(text, `${r.name}.annotations.${key}`)] as const),
  };
}

function conditionOf(r: RuleConfig, target: RuleTarget): RuleCondition {
  if (target.kind === "hostDown") return { kind: "hostDown", severity: r.severity ?? "critical" };
  if (target.kind === "state") {
    const values = typeof r.value === "string" ? [r.value] : (r.value ?? []);
    return { kind: "state", op: r.condition === "!=" ? "!=" : "==", values: new Set(values), severity: r.severity ?? "warning" };
  }
  const op = r.condition ?? ">";
  const configured = THRESHOLD_LEVELS.filter((l) => r[l] !== undefined);
  const clears = clearByLevel(r.clear, configured);
  const levels = configured.map((severity) => {
    const threshold = r[severity] as number;
    return { severity, threshold, clear: clears[severity] ?? threshold };
  });
  return { kind: "numeric", op, levels };
}

function mustCompile(text: string, where: string): CompiledTemplate {
  const t = compileTemplate(text);
  if (!t.ok) throw new Error(`${where}: ${t.error}`);
  return t.template;
}
