/**
 * Annotation templates: `{{host}}`, `{{value}}`, `{{labels.pool}}`... Written here rather than taken
 * from a template library because annotations need only variable substitution (no loops, no
 * conditionals, no code), and a closed set of variables lets a typo fail at config load instead of
 * printing an empty string in a notification at 3 a.m.
 */

export const TEMPLATE_VARIABLES = ["host", "value", "threshold", "since", "severity", "rule", "state"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** What a template can refer to. A null renders as "N/A" (missing is not zero). */
export interface TemplateValues {
  host: string | null;
  value: number | null;
  threshold: number | null;
  /** When the condition started to hold (ms since the epoch). */
  since: number | null;
  severity: string;
  rule: string;
  /** The observed state of a state rule. */
  state: string | null;
  labels: Readonly<Record<string, string>>;
}

type Part = { text: string } | { variable: TemplateVariable } | { label: string };
export type CompiledTemplate = readonly Part[];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses a template; an unknown variable is an error naming it and the known ones. */
export function compileTemplate(text: string): { ok: true; template: CompiledTemplate } | { ok: false; error: string } {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    const name = m[1] ?? "";
    if (name.startsWith("labels.") && LABEL_NAME.test(name.slice(7))) parts.push({ label: name.slice(7) });
    else if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) parts.push({ variable: name as TemplateVariable });
    else return { ok: false, error: `unknown variable {{${name}}}; known: ${TEMPLATE_VARIABLES.join(", ")}, labels.<name>` };
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return { ok: true, template: parts };
}

export function renderTemplate(template: CompiledTemplate, values: TemplateValues): string {
  let out = "";
  for (const part of template) {
    if ("text" in part) out += part.text;
    else if ("label" in part) out += values.labels[part.label] ?? "N/A";
    else out += renderVariable(part.variable, values);
  }
  return out;
}

function renderVariable(name: TemplateVariable, v: TemplateValues): string {
  switch (name) {
    case "value":
      return formatNumber(v.value);
    case "threshold":
      return formatNumber(v.threshold);
    case "since":
      return v.since === null ? "N/A" : new Date(v.since).toISOString().replace(/\.\d{3}Z$/, "Z");
    default:
      return v[name] ?? "N/A";
  }
}

/** Two decimals at most, trailing zeros dropped: 91, 91.5, 0.33. */
export function formatNumber(n: number | null): string {
  if (n === null) return "N/A";
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}
