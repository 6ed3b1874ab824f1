import type { z } from "zod";

/** One problem found in untrusted input: where it is and what was expected. */
export interface FieldIssue {
  /** Dotted path with array indexes, e.g. `payload.samples[3].value`; empty for the root. */
  path: string;
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Short, human description of a received value, bounded so a huge input cannot flood an error. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

function messageFor(issue: z.core.$ZodIssue): string {
  const input = "input" in issue ? issue.input : undefined;
  // A schema's own message (zod's defaults all start with "Invalid") says it best.
  if (issue.code !== "unrecognized_keys" && !issue.message.startsWith("Invalid")) {
    // Objects are not shown: for a rule over a whole section "got an object" says nothing.
    return input === undefined || (typeof input === "object" && input !== null)
      ? issue.message
      : `${issue.message}, got ${describeValue(input)}`;
  }
  switch (issue.code) {
    case "invalid_type":
      return input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${describeValue(input)}`;
    case "unrecognized_keys":
      return "is not a known key (check the spelling)";
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(input)}`;
    default:
      return input === undefined ? issue.message : `${issue.message}, got ${describeValue(input)}`;
  }
}

/**
 * Turns zod issues into field issues. An unknown key is reported at the key itself
 * (`collectors.gpu.intervall`), not at its parent, so the user sees the typo.
 */
export function toFieldIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: ReadonlyArray<PropertyKey> = []): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...prefix, ...issue.path, key]), message: messageFor(issue) });
      }
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest: the one whose issues have the longest path.
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (depth(best) > 0) {
        out.push(...toFieldIssues(best, [...prefix, ...issue.path]));
        continue;
      }
      // No branch got inside the value: its type fits none of them. Name the types accepted.
      const expected = [...new Set(issue.errors.flat().flatMap((e) => (e.code === "invalid_type" ? [String(e.expected)] : [])))];
      if (expected.length > 0 && issue.message.startsWith("Invalid")) {
        const input = "input" in issue ? issue.input : undefined;
        out.push({
          path: formatPath([...prefix, ...issue.path]),
          message: `expected ${expected.join(" or ")}, got ${describeValue(input)}`,
        });
        continue;
      }
    }
    out.push({ path: formatPath([...prefix, ...issue.path]), message: messageFor(issue) });
  }
  return out;
}

function depth(issues: ReadonlyArray<z.core.$ZodIssue>): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

export function issuesToText(issues: ReadonlyArray<FieldIssue>): string {
  return issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ");
}
