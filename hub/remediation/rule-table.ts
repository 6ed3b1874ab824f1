import type { RuleConfig } from "../rules/rule-schema.ts";
import type { RemediationRuleView } from "./api.ts";
import type { RemediationSection, RuleRemediation } from "./config.ts";
import { type Limits, limitsOf } from "./limits.ts";

/** A rule with remediation, ready for the service: its settings, its limits in effect, and how the API shows it. */
export interface RemediationRule {
  name: string;
  remediation: RuleRemediation;
  limits: Limits;
  view: RemediationRuleView;
}

/** The rules (built-in ones with their overrides, and the user's) that name a remediation, by rule name. */
export function remediationRules(config: {
  remediation: RemediationSection;
  builtinRules: readonly RuleConfig[];
  rules: readonly RuleConfig[];
}): Map<string, RemediationRule> {
  const out = new Map<string, RemediationRule>();
  const add = (rule: RuleConfig, builtin: boolean) => {
    const r = rule.remediation;
    if (r === undefined) return;
    const limits = limitsOf(r, config.remediation.defaults);
    out.set(rule.name, {
      name: rule.name,
      remediation: r,
      limits,
      view: {
        rule: rule.name,
        builtin,
        action: r.action,
        risk: config.remediation.actions[r.action]?.risk ?? null,
        host: r.host ?? "{{host}}",
        params: r.params,
        maxRuns: limits.maxRuns,
        windowMs: limits.windowMs,
        backoffMs: limits.backoffMs,
        verifyAfterMs: limits.verifyAfterMs,
      },
    });
  };
  for (const rule of config.builtinRules) add(rule, true);
  for (const rule of config.rules) add(rule, false);
  return out;
}
