import { z } from "zod";
import { BUILTIN_RULE_NAMES } from "./builtin-rules.ts";
import { checkRule, type RuleConfig, ruleFields, ruleName } from "./rule-schema.ts";

export { builtinRulesSection } from "./builtin-overrides.ts";

/** One rule of the hub config's `rules` list (docs/alerts.md). */
export const userRule = z.strictObject({ name: ruleName, ...ruleFields }).superRefine((rule, ctx) => {
  checkRule(rule, (path, message) => ctx.addIssue({ code: "custom", path: [...path], message }));
});

/** The hub config's `rules`: the user's own rules. */
export const rulesSection = z.array(userRule).default([]);

/**
 * Names are the rules' identity (in fingerprints, silences, history): each is used once, and a
 * built-in's name is taken (change a built-in under builtinRules instead). Called from the hub
 * config's top-level refinement, which sees both sections.
 */
export function checkRuleNames(rules: readonly RuleConfig[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if ((BUILTIN_RULE_NAMES as readonly string[]).includes(rule.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", i, "name"],
        message: `"${rule.name}" is a built-in rule: change it under builtinRules.${rule.name}, or pick another name`,
      });
    } else if (seen.has(rule.name)) {
      ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `rule name "${rule.name}" is used twice` });
    }
    seen.add(rule.name);
  });
}
