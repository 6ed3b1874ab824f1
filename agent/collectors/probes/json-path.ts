/**
 * The small subset of JSONPath a freshness probe needs to name one field: `$.last.timestamp`,
 * `predictions[0].created_at`, `$["odd key"].at`, or `$` for an answer that is the timestamp itself.
 * Written here rather than taken from a JSONPath library: one field by name and index is all that is
 * needed, and the agent keeps its dependencies (and memory) small. Filters and wildcards are refused.
 */
export type JsonPathStep = string | number;

const STEP = /^(?:\.([^.[\]\s"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** The steps of `path`, or undefined when it is not a path this subset understands. */
export function parseJsonPath(path: string): JsonPathStep[] | undefined {
  let rest = path.trim();
  if (rest === "") return undefined;
  if (rest.startsWith("$")) rest = rest.slice(1);
  else if (!rest.startsWith("[")) rest = `.${rest}`;
  const steps: JsonPathStep[] = [];
  while (rest !== "") {
    const m = STEP.exec(rest);
    if (m === null) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(JSON.parse(m[3] as string) as string);
    rest = rest.slice(m[0].length);
  }
  return steps;
}

export type JsonPathResult = { found: true; value: unknown } | { found: false; reason: string };

/** The value at `steps` in `root`, or where the path stopped matching. */
export function selectJsonPath(root: unknown, steps: readonly JsonPathStep[]): JsonPathResult {
  let node = root;
  let at = "$";
  for (const step of steps) {
    const next =
      typeof step === "number" ? `${at}[${step}]` : /^[A-Za-z_$][\w$-]*$/.test(step) ? `${at}.${step}` : `${at}[${JSON.stringify(step)}]`;
    if (typeof step === "number") {
      if (!Array.isArray(node)) return { found: false, reason: `${at} is ${kindOf(node)}, not an array` };
      if (step >= node.length) return { found: false, reason: `${next} does not exist (the array has ${node.length} items)` };
      node = node[step];
    } else {
      if (node === null || typeof node !== "object" || Array.isArray(node))
        return { found: false, reason: `${at} is ${kindOf(node)}, not an object` };
      if (!Object.hasOwn(node, step)) return { found: false, reason: `${next} does not exist` };
      node = (node as Record<string, unknown>)[step];
    }
    at = next;
  }
  return { found: true, value: node };
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
