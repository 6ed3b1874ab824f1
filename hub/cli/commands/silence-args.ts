import { parseDuration } from "../../../shared/config/schema-helpers.ts";
import type { LabelMatcherConfig } from "../../rules/label-matchers.ts";
import type { CreateSilenceRequest } from "../../silences/silences-api.ts";
import { UsageError } from "../errors.ts";

const HELP = "vigil help silence";
const MATCHER = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(.*)$/s;

/**
 * `name=value`, `name!=value`, `name=~regex`, `name!~regex` (as in PromQL) into the hub's matcher
 * form; several for one name are refused, since the hub keeps one matcher per label.
 */
export function parseLabelMatchers(flag: string, given: readonly string[]): Record<string, LabelMatcherConfig> | undefined {
  if (given.length === 0) return undefined;
  const out: Record<string, LabelMatcherConfig> = {};
  for (const text of given) {
    const m = MATCHER.exec(text);
    if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected name=value, name!=value, name=~regex or name!~regex`, HELP);
    const [, name = "", op, value = ""] = m;
    if (name in out) throw new UsageError(`${flag}: label ${name} is given twice`, HELP);
    out[name] = op === "=" ? value : op === "!=" ? { notEquals: value } : op === "=~" ? { matches: value } : { notMatches: value };
  }
  return out;
}

/** An ISO time (`2026-11-24T02:00`, taken as UTC without a zone) or a duration from now (`30m`). */
export function parseWhen(flag: string, text: string, nowMs: number): number {
  const relative = parseDuration(text);
  if (relative !== null && !/^\d+$/.test(text)) return nowMs + relative;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new UsageError(
      `${flag} ${JSON.stringify(text)}: expected a time such as 2026-11-24T02:00Z or a duration from now such as 30m`,
      HELP,
    );
  return ms;
}

export interface SilenceFlags {
  host: string[];
  rule: string[];
  label: string[];
  hostLabel: string[];
  duration: string | undefined;
  until: string | undefined;
  start: string | undefined;
  comment: string | undefined;
  author: string | undefined;
  maintenance: boolean;
}

/** The POST /api/v1/silences body of `vigil silence add`; what the hub checks itself (lengths, names) is left to it. */
export function silenceRequest(f: SilenceFlags, nowMs: number): CreateSilenceRequest {
  if (f.comment === undefined || f.comment.trim() === "")
    throw new UsageError('missing --comment: say why (e.g. --comment "replacing a disk")', HELP);
  if ((f.duration === undefined) === (f.until === undefined)) throw new UsageError("give one of --duration and --until", HELP);
  const labels = parseLabelMatchers("--label", f.label);
  const hostLabels = parseLabelMatchers("--host-label", f.hostLabel);
  if (f.host.length + f.rule.length === 0 && labels === undefined && hostLabels === undefined) {
    throw new UsageError("say what to silence: --host, --rule, --label or --host-label (a silence of everything is refused)", HELP);
  }
  return {
    kind: f.maintenance ? "maintenance" : "silence",
    matchers: {
      ...(f.host.length > 0 ? { hosts: f.host } : {}),
      ...(f.rule.length > 0 ? { rules: f.rule } : {}),
      ...(labels ? { labels } : {}),
      ...(hostLabels ? { hostLabels } : {}),
    },
    ...(f.start !== undefined ? { startsAt: parseWhen("--start", f.start, nowMs) } : {}),
    ...(f.until !== undefined ? { endsAt: parseWhen("--until", f.until, nowMs) } : { duration: f.duration }),
    comment: f.comment,
    ...(f.author !== undefined ? { createdBy: f.author } : {}),
  };
}
