import { z } from "zod";
import { metricName } from "../../shared/protocol/primitives.ts";

const OPERATORS = ["equals", "notEquals", "oneOf", "notOneOf", "matches", "notMatches"] as const;

const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { error: "expected a valid regular expression" },
);

/**
 * One label's matcher in config and in silences: a plain string means equals; an object holds
 * exactly one operator. Regular expressions match the whole value (as in Prometheus). A label the
 * series does not carry counts as the empty string, so `notEquals: x` matches it and `equals: x` does not.
 */
export const labelMatcher = z.union([
  z.string(),
  z
    .strictObject({
      equals: z.string().optional(),
      notEquals: z.string().optional(),
      oneOf: z.array(z.string()).min(1).optional(),
      notOneOf: z.array(z.string()).min(1).optional(),
      matches: regex.optional(),
      notMatches: regex.optional(),
    })
    .superRefine((m, ctx) => {
      const given = OPERATORS.filter((op) => m[op] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: "custom",
          message: `expected exactly one of ${OPERATORS.join(", ")}, got ${given.length === 0 ? "none" : given.join(" and ")}`,
        });
      }
    }),
]);
export type LabelMatcherConfig = z.output<typeof labelMatcher>;

/** `{ label: matcher }`: every entry must match. */
export const labelMatchers = z.record(metricName, labelMatcher);
export type LabelMatchersConfig = z.output<typeof labelMatchers>;

/** A compiled set of matchers: true when every label matches. */
export type LabelPredicate = (labels: Readonly<Record<string, string>>) => boolean;

export const MATCH_ALL: LabelPredicate = () => true;

export function compileLabelMatchers(config: LabelMatchersConfig | undefined): LabelPredicate {
  const entries = Object.entries(config ?? {}).map(([name, m]) => [name, compileOne(m)] as const);
  if (entries.length === 0) return MATCH_ALL;
  return (labels) => {
    for (const [name, test] of entries) if (!test(labels[name] ?? "")) return false;
    return true;
  };
}

function compileOne(m: LabelMatcherConfig): (value: string) => boolean {
  if (typeof m === "string") return (v) => v === m;
  if (m.equals !== undefined) {
    const want = m.equals;
    return (v) => v === want;
  }
  if (m.notEquals !== undefined) {
    const not = m.notEquals;
    return (v) => v !== not;
  }
  if (m.oneOf !== undefined) {
    const set = new Set(m.oneOf);
    return (v) => set.has(v);
  }
  if (m.notOneOf !== undefined) {
    const set = new Set(m.notOneOf);
    return (v) => !set.has(v);
  }
  if (m.matches !== undefined) {
    const re = new RegExp(`^(?:${m.matches})$`);
    return (v) => re.test(v);
  }
  const re = new RegExp(`^(?:${m.notMatches ?? ""})$`);
  return (v) => !re.test(v);
}
