import type { ActionParamSpec } from "./config.ts";
import { type Checked, refuse } from "./refusal.ts";

/** A parameter spec ready to check values: the string pattern compiled once. */
export type CompiledParam =
  Exclude<ActionParamSpec, { type: "string" }> | (Extract<ActionParamSpec, { type: "string" }> & { regex: RegExp });

export function compileParam(spec: ActionParamSpec): CompiledParam {
  if (spec.type !== "string") return spec;
  // Anchored and in Unicode mode: the whole value must match, code point by code point.
  return { ...spec, regex: new RegExp(`^(?:${spec.pattern})$`, "u") };
}

/** Control (Cc) and format (Cf) characters: NUL, newlines, escapes, bidi overrides, zero-width joiners. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const DECIMAL = /^-?(?:0|[1-9][0-9]{0,15})$/;

/**
 * Checks request parameters against an action's specs and returns each value as the exact text that
 * goes into argv. Pure. Every refusal is PARAM_INVALID naming the parameter and the rule; values are
 * quoted (JSON, shortened) so control characters in them cannot forge audit lines.
 */
export function checkParams(
  specs: Readonly<Record<string, CompiledParam>>,
  params: Readonly<Record<string, unknown>>,
): Checked<Record<string, string>> {
  for (const name of Object.keys(params)) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      return refuse("PARAM_INVALID", `${show(name)}: unknown parameter (this action takes ${known.length ? known.join(", ") : "none"})`);
    }
  }
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (!Object.hasOwn(params, name)) return refuse("PARAM_INVALID", `${name}: missing (required)`);
    const checked = checkValue(name, spec, params[name]);
    if (!checked.ok) return checked;
    values[name] = checked.value;
  }
  return { ok: true, value: values };
}

function checkValue(name: string, spec: CompiledParam, value: unknown): Checked<string> {
  switch (spec.type) {
    case "enum": {
      if (typeof value !== "string") return refuse("PARAM_INVALID", `${name}: expected a string, got ${typeof value}`);
      if (!spec.values.includes(value)) {
        return refuse("PARAM_INVALID", `${name}: ${show(value)} is not one of the allowed values (${spec.values.join(", ")})`);
      }
      return { ok: true, value };
    }
    case "integer": {
      let n: number;
      if (typeof value === "number") n = value;
      else if (typeof value === "string" && DECIMAL.test(value)) n = Number(value);
      else return refuse("PARAM_INVALID", `${name}: ${show(value)} is not a decimal integer`);
      if (!Number.isSafeInteger(n)) return refuse("PARAM_INVALID", `${name}: ${show(value)} is not an integer`);
      if (n < spec.min || n > spec.max) return refuse("PARAM_INVALID", `${name}: ${n} is outside ${spec.min}..${spec.max}`);
      return { ok: true, value: String(n) };
    }
    case "string": {
      if (typeof value !== "string") return refuse("PARAM_INVALID", `${name}: expected a string, got ${typeof value}`);
      if (value.length === 0) return refuse("PARAM_INVALID", `${name}: must not be empty`);
      if (value.length > spec.maxLength) {
        return refuse("PARAM_INVALID", `${name}: ${value.length} characters, more than the ${spec.maxLength} allowed`);
      }
      if (!value.isWellFormed()) return refuse("PARAM_INVALID", `${name}: contains an unpaired surrogate (not valid Unicode text)`);
      const invisible = INVISIBLE.exec(value);
      if (invisible) {
        const cp = (invisible[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
        return refuse("PARAM_INVALID", `${name}: contains the control or format character U+${cp}`);
      }
      if (value.startsWith("-") && !spec.allowLeadingDash) {
        return refuse("PARAM_INVALID", `${name}: ${show(value)} starts with "-" and would read as an option (allowLeadingDash is off)`);
      }
      if (!spec.regex.test(value)) return refuse("PARAM_INVALID", `${name}: ${show(value)} does not match the pattern ${spec.pattern}`);
      return { ok: true, value };
    }
  }
}

/** A value as it appears in a message: JSON-quoted (control characters escaped) and at most ~80 characters. */
export function show(value: unknown): string {
  if (typeof value !== "string") return String(value).slice(0, 80);
  const text = JSON.stringify(value).replace(/[\p{Cc}\p{Cf}]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
  return text.length > 82 ? `${text.slice(0, 78)}..."` : text;
}
