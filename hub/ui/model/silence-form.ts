import type { CreateSilenceRequest, SilenceMatchers } from "../../silences/silences-api.ts";

/** The silence form's fields, as typed. */
export interface SilenceFormFields {
  hosts: string;
  rules: string;
  /** `pool=tank, gpu=0`: label equalities. */
  labels: string;
  /** `2h`, `30m`, `1d`. */
  duration: string;
  comment: string;
  createdBy: string;
}

export type SilenceFormResult =
  { ok: true; request: CreateSilenceRequest } | { ok: false; field: keyof SilenceFormFields; message: string };

const LIST = /[\s,]+/;
const DURATION = /^\d+(\.\d+)?(m|h|d)$/;

/**
 * Turns the form into a POST /api/v1/silences body, or names the field that is wrong. The hub checks
 * everything again (its answer names the field too); this only spares a round trip for what is
 * plainly incomplete.
 */
export function silenceRequestFromForm(f: SilenceFormFields): SilenceFormResult {
  const matchers: SilenceMatchers = {};
  const hosts = f.hosts.split(LIST).filter((h) => h !== "");
  const rules = f.rules.split(LIST).filter((r) => r !== "");
  if (hosts.length > 0) matchers.hosts = hosts;
  if (rules.length > 0) matchers.rules = rules;
  const labels: Record<string, string> = {};
  for (const pair of f.labels.split(",").map((p) => p.trim())) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) return { ok: false, field: "labels", message: `expected name=value, got "${pair}"` };
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  if (Object.keys(labels).length > 0) matchers.labels = labels;
  if (Object.keys(matchers).length === 0) {
    return { ok: false, field: "hosts", message: "give at least a host, a rule or a label: a silence of every alert is refused" };
  }
  const duration = f.duration.trim();
  if (!DURATION.test(duration)) return { ok: false, field: "duration", message: 'expected a duration such as "30m", "2h" or "1d"' };
  const comment = f.comment.trim();
  if (comment === "") return { ok: false, field: "comment", message: "say why: the comment is shown with every alert it mutes" };
  const createdBy = f.createdBy.trim();
  return { ok: true, request: { matchers, duration, comment, ...(createdBy === "" ? {} : { createdBy }) } };
}

/** A silence's matchers in one line: `hosts gpu-box · rules gpu-temperature · pool=tank`. */
export function describeMatchers(m: SilenceMatchers): string {
  const parts: string[] = [];
  if (m.hosts) parts.push(`hosts ${m.hosts.join(", ")}`);
  if (m.rules) parts.push(`rules ${m.rules.join(", ")}`);
  for (const [kind, matchers] of [
    ["", m.labels],
    ["host ", m.hostLabels],
  ] as const) {
    for (const [name, matcher] of Object.entries(matchers ?? {})) parts.push(`${kind}${name}${describeMatcher(matcher)}`);
  }
  return parts.join(" · ");
}

type LabelMatcher = NonNullable<SilenceMatchers["labels"]>[string];

function describeMatcher(m: LabelMatcher): string {
  if (typeof m === "string") return `=${m}`;
  const [[op, value] = ["", ""]] = Object.entries(m) as Array<[string, unknown]>;
  const text = Array.isArray(value) ? value.join("|") : String(value);
  const ops: Record<string, string> = {
    equals: "=",
    notEquals: "!=",
    oneOf: " in ",
    notOneOf: " not in ",
    matches: "=~",
    notMatches: "!~",
  };
  return `${ops[op] ?? ` ${op} `}${text}`;
}
