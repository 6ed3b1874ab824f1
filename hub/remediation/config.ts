import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";
import { actionName } from "../../shared/protocol/primitives.ts";
import { compileTemplate } from "../rules/template.ts";

/** The agents' risk classes (agent/actions/config.ts); remediation runs the first two only. */
export const RISK_CLASSES = ["safe", "caution", "danger"] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** Defaults of the limits (docs/remediation.md). */
export const REMEDIATION_DEFAULTS = { maxRuns: 3, windowMs: 3_600_000, backoffMs: 30_000, verifyAfterMs: 60_000 } as const;

const paramName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, { error: "parameter names are letters, digits and '_', starting with a letter" });

const maxRuns = z.int().min(1).max(100);
const window = duration({ min: "1m", max: "7d" });
const backoff = duration({ min: "0s", max: "1d" });
const verifyAfter = duration({ min: "1s", max: "1d" });

function templateText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      const t = compileTemplate(text);
      if (!t.ok) ctx.addIssue({ code: "custom", message: t.error, input: text });
    });
}

/**
 * `remediation` on a rule: the whitelisted action to ask for when the rule's alert fires. Strings in
 * `host`, `params` and `reason` are templates over the alert (`{{host}}`, `{{labels.unit}}`, the
 * variables of annotations); numbers and booleans are passed as they are.
 */
export const ruleRemediation = z.strictObject({
  action: actionName,
  /** The agent that runs it; default the alert's host (`{{host}}`). */
  host: templateText(200).optional(),
  params: z
    .record(paramName, z.union([templateText(4096), z.int(), z.boolean()], { error: "expected a string, an integer or a boolean" }))
    .default({}),
  /** Recorded in both audits; default "automatic remediation by rule <name>: <the alert's summary>". */
  reason: templateText(500).optional(),
  maxRuns: maxRuns.optional(),
  window: window.optional(),
  backoff: backoff.optional(),
  verifyAfter: verifyAfter.optional(),
});
export type RuleRemediation = z.output<typeof ruleRemediation>;

/** `remediation` in the hub's config: the switch, the hub-side allow list with risk classes, the default limits. */
export const remediationSection = z
  .strictObject({
    /** false: no automatic run at all (alerts still fire and notify). */
    enabled: z.boolean().default(true),
    /**
     * The actions rules may name, each with the risk class the agents' catalogs give it. The hub does
     * not see the agents' catalogs, so the class is declared here, where the config can be refused.
     */
    actions: z
      .record(
        actionName,
        z.strictObject({
          risk: z.enum(RISK_CLASSES, { error: "expected safe, caution or danger (as in the agents' catalogs)" }),
          description: z.string().max(500).optional(),
        }),
      )
      .default({}),
    defaults: z
      .strictObject({
        /** Runs per target (host, action, parameters) within `window`; one more firing gives up and escalates. */
        maxRuns: maxRuns.default(REMEDIATION_DEFAULTS.maxRuns),
        window: window.default(REMEDIATION_DEFAULTS.windowMs),
        /** Least time between two runs on one target, doubled for each run already in the window. */
        backoff: backoff.default(REMEDIATION_DEFAULTS.backoffMs),
        /** How long after a successful run the condition may still hold before remediation gives up. */
        verifyAfter: verifyAfter.default(REMEDIATION_DEFAULTS.verifyAfterMs),
      })
      .prefault({}),
  })
  .prefault({});
export type RemediationSection = z.output<typeof remediationSection>;

interface RuleLike {
  name: string;
  hostDown?: true | undefined;
  remediation?: RuleRemediation | undefined;
}

/**
 * Refuses, at config load, a rule whose remediation names an action the allow list does not hold,
 * or holds as danger: remediation never runs a danger action. A hostDown rule must name another host.
 * Called from the hub config's top-level refinement, which sees the rules and this section.
 */
export function checkRemediationRefs(
  cfg: { remediation: RemediationSection; rules: readonly RuleLike[]; builtinRules: readonly RuleLike[] },
  ctx: z.RefinementCtx,
): void {
  const check = (rule: RuleLike, path: ReadonlyArray<string | number>) => {
    const r = rule.remediation;
    if (r === undefined) return;
    const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", path: [...path, "remediation", key], message });
    const listed = cfg.remediation.actions[r.action];
    if (listed === undefined) {
      const known = Object.keys(cfg.remediation.actions);
      issue(
        "action",
        `"${r.action}" is not in remediation.actions: list it there with the risk class its agents' catalogs give it ` +
          `(${known.length === 0 ? "the list is empty" : `listed: ${known.join(", ")}`})`,
      );
    } else if (listed.risk === "danger") {
      issue(
        "action",
        `"${r.action}" is a danger action (remediation.actions.${r.action}.risk): remediation never runs danger actions; ` +
          "ask for it by hand with vigil action run ... --confirm",
      );
    }
    if (rule.hostDown === true && r.host === undefined) {
      issue("host", "is required for a hostDown rule: a host that is down cannot run the action; name the host that should");
    }
  };
  cfg.rules.forEach((rule, i) => check(rule, ["rules", i]));
  for (const rule of cfg.builtinRules) check(rule, ["builtinRules", rule.name]);
}
