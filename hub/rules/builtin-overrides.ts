import { z } from "zod";
import { BUILTIN_RULE_NAMES, BUILTIN_RULES, type BuiltinRuleName } from "./builtin-rules.ts";
import { checkRule, clearByLevel, type RuleConfig, ruleFields, THRESHOLD_LEVELS } from "./rule-schema.ts";

const threshold = z.union([z.number(), z.literal(false)], { error: "expected a number, or false to drop this level" });

/** What `builtinRules.<name>` may change. What a rule watches and how it compares stay: for another, write a rule. */
const override = z.strictObject({
  enabled: z.boolean().optional(),
  description: ruleFields.description,
  labels: ruleFields.labels,
  hostLabels: ruleFields.hostLabels,
  hosts: ruleFields.hosts,
  warning: threshold.optional(),
  critical: threshold.optional(),
  clear: ruleFields.clear,
  value: ruleFields.value,
  severity: ruleFields.severity,
  for: ruleFields.for,
  cooldown: ruleFields.cooldown,
  repeat: ruleFields.repeat,
  absentAfter: ruleFields.absentAfter,
  annotations: ruleFields.annotations,
  remediation: ruleFields.remediation,
});
export type BuiltinOverride = z.output<typeof override>;

const entry = z.union([z.literal(false), override], { error: "expected false (disabled) or a mapping of the settings to change" });

/**
 * `builtinRules`: per built-in rule, `false` to disable it or the settings to change. Parses into
 * the effective built-in rules (overrides applied, disabled ones left out), each checked like a
 * user rule with problems reported at the override's path (`builtinRules.cpu-usage.critical`).
 */
export const builtinRulesSection = z
  .strictObject(
    Object.fromEntries(BUILTIN_RULE_NAMES.map((name) => [name, entry.optional()])) as Record<BuiltinRuleName, z.ZodOptional<typeof entry>>,
  )
  .prefault({})
  .transform((overrides, ctx): RuleConfig[] => {
    const rules: RuleConfig[] = [];
    for (const name of BUILTIN_RULE_NAMES) {
      const o = overrides[name];
      if (o === false || o?.enabled === false) continue;
      const rule = o === undefined ? structuredClone(BUILTIN_RULES[name] as RuleConfig) : applyOverride(BUILTIN_RULES[name], o);
      checkRule(rule, (path, message) => ctx.addIssue({ code: "custom", path: [name, ...path], message }));
      rules.push(rule);
    }
    return rules;
  });

/**
 * Applies an override to a built-in rule. Label matchers and annotations merge by key (a matcher
 * given for a label replaces the built-in one for that label). A threshold moved without its own
 * `clear` keeps the built-in's hysteresis gap, so `warning: 80` on a rule with 85/83 clears at 78.
 */
export function applyOverride(base: RuleConfig, o: BuiltinOverride): RuleConfig {
  const { enabled: _enabled, labels, hostLabels, annotations, warning, critical, clear, ...rest } = o;
  const out: RuleConfig = { ...structuredClone(base), ...rest };
  if (labels) out.labels = { ...base.labels, ...labels };
  if (hostLabels) out.hostLabels = { ...base.hostLabels, ...hostLabels };
  if (annotations) out.annotations = { ...base.annotations, ...annotations };

  const baseLevels = THRESHOLD_LEVELS.filter((l) => base[l] !== undefined);
  const baseClear = clearByLevel(base.clear, baseLevels);
  const newClear: Partial<Record<(typeof THRESHOLD_LEVELS)[number], number>> = {};
  const given = { warning, critical };
  for (const level of THRESHOLD_LEVELS) {
    const t = given[level];
    if (t === false) delete out[level];
    else if (t !== undefined) out[level] = t;
    const before = base[level];
    const after = out[level];
    const gap = before !== undefined && baseClear[level] !== undefined ? before - baseClear[level] : undefined;
    if (after !== undefined && gap !== undefined) newClear[level] = after - gap;
  }
  if (clear !== undefined) out.clear = clear;
  else if (Object.keys(newClear).length > 0) out.clear = newClear;
  else delete out.clear;
  return out;
}
