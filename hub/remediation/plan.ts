import { agentId as agentIdSchema } from "../../shared/protocol/primitives.ts";
import { conditionSince } from "../rules/alert-machine.ts";
import type { StoredAlert } from "../rules/alert-store.ts";
import { type CompiledTemplate, compileTemplate, renderTemplate, type TemplateValues } from "../rules/template.ts";
import type { RuleRemediation } from "./config.ts";

export type ParamValue = string | number | boolean;

/** One concrete request: what a rule's remediation asks for, for one alert. */
export interface RemediationPlan {
  agentId: string;
  action: string;
  params: Record<string, ParamValue>;
  reason: string;
  /** What one run occupies (host, action, parameters): the limits count runs per target. */
  targetKey: string;
}

export type PlanResult = { ok: true; plan: RemediationPlan } | { ok: false; error: string };

const REASON_MAX = 1000;

/**
 * Renders a rule's remediation for one alert: the host and string parameters from their templates.
 * A template that refers to something the alert does not have (a label it does not carry, a value
 * of a state rule) is an error, never an "N/A" sent to an agent as a unit name.
 */
export function planRemediation(r: RuleRemediation, alert: StoredAlert): PlanResult {
  const values: TemplateValues = {
    host: alert.hostId,
    value: alert.value,
    threshold: alert.threshold,
    since: conditionSince(alert.state) ?? alert.state.firingSince,
    severity: alert.state.severity ?? "N/A",
    rule: alert.rule,
    state: alert.observedState,
    labels: alert.labels,
  };
  const host = renderStrict(r.host ?? "{{host}}", values, "host");
  if (!host.ok) return host;
  const agent = agentIdSchema.safeParse(host.text);
  if (!agent.success) return { ok: false, error: `host rendered as ${JSON.stringify(host.text)}, which is not an agent id` };
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(r.params)) {
    if (typeof value !== "string") {
      params[name] = value;
      continue;
    }
    const text = renderStrict(value, values, `params.${name}`);
    if (!text.ok) return text;
    params[name] = text.text;
  }
  const summary = alert.annotations.summary ?? `${alert.rule} on ${alert.hostId ?? "N/A"}`;
  const reason =
    r.reason === undefined
      ? { ok: true as const, text: `automatic remediation by rule ${alert.rule}: ${summary}` }
      : renderStrict(r.reason, values, "reason");
  if (!reason.ok) return reason;
  return {
    ok: true,
    plan: {
      agentId: agent.data,
      action: r.action,
      params,
      reason: reason.text.length > REASON_MAX ? `${reason.text.slice(0, REASON_MAX - 1)}…` : reason.text,
      targetKey: targetKey(agent.data, r.action, params),
    },
  };
}

/** The identity of a target: host, action and the parameters sorted by name. */
export function targetKey(agentId: string, action: string, params: Readonly<Record<string, ParamValue>>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((k) => [k, params[k]]);
  return JSON.stringify([agentId, action, sorted]);
}

/** `action k=v k=v on host`, as people read a request. */
export function describePlan(p: Pick<RemediationPlan, "agentId" | "action" | "params">): string {
  const params = Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`);
  return [p.action, ...params, "on", p.agentId].join(" ");
}

function renderStrict(text: string, values: TemplateValues, field: string): { ok: true; text: string } | { ok: false; error: string } {
  const compiled = compileTemplate(text);
  // The config was checked at load, so this only fails for a programming error.
  if (!compiled.ok) return { ok: false, error: `remediation.${field}: ${compiled.error}` };
  const missing = missingIn(compiled.template, values);
  if (missing !== undefined) return { ok: false, error: `remediation.${field} needs ${missing}, which the alert does not have` };
  return { ok: true, text: renderTemplate(compiled.template, values) };
}

function missingIn(template: CompiledTemplate, values: TemplateValues): string | undefined {
  for (const part of template) {
    if ("label" in part && values.labels[part.label] === undefined) return `the label ${part.label}`;
    if ("variable" in part && (values[part.variable] === null || values[part.variable] === "N/A")) return `{{${part.variable}}}`;
  }
  return undefined;
}
