/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests of every
 * /metrics endpoint (hub and agent). Written here rather than taken from npm: the parsers there
 * (parse-prometheus-text-format, last published 2024) accept what Prometheus would refuse or
 * silently merge: a TYPE after the family's samples, a family split in two, duplicate series,
 * bad escapes. This one throws on each, naming the line.
 *
 * Checked: metric and label names; label values with only the escapes \\ \" \n; values (floats,
 * NaN, +Inf, -Inf) and optional integer timestamps; at most one HELP and one TYPE per family, both
 * before its first sample; a family's samples contiguous; no series twice; no `__` label names;
 * histograms (le on every _bucket, a +Inf bucket, cumulative counts, _count equal to the +Inf
 * bucket) and summaries (quantile label). The text must end with a newline.
 */

export type PromType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface PromFamily {
  name: string;
  type: PromType;
  help: string | undefined;
  samples: PromSample[];
}

export class PromParseError extends Error {
  override readonly name = "PromParseError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses exposition text into families, in the order they appear; throws PromParseError at the first violation. */
export function parsePromText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith("\n")) throw new PromParseError(text.split("\n").length, "the text must end with a newline");
  const families = new Map<string, PromFamily>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  const typeSeen = new Set<string>();
  let current: PromFamily | undefined;
  const lines = text.split("\n");
  lines.pop();

  const family = (name: string, lineNo: number): PromFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: "untyped", help: undefined, samples: [] };
      families.set(name, f);
    }
    if (current !== f) {
      if (current) closed.add(current.name);
      if (closed.has(name)) throw new PromParseError(lineNo, `family ${name} continues after another family began`);
      current = f;
    }
    return f;
  };

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^[ \t]+/, "");
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // an ordinary comment
      const [, kind, name = "", rest = ""] = m;
      if (!METRIC_NAME.test(name)) throw new PromParseError(lineNo, `invalid metric name ${JSON.stringify(name)} in ${kind}`);
      const f = family(name, lineNo);
      if (kind === "HELP") {
        if (f.help !== undefined) throw new PromParseError(lineNo, `second HELP for ${name}`);
        f.help = unescapeHelp(rest, lineNo);
      } else {
        if (f.samples.length > 0) throw new PromParseError(lineNo, `TYPE for ${name} after its samples`);
        if (typeSeen.has(name)) throw new PromParseError(lineNo, `second TYPE for ${name}`);
        if (!TYPES.has(rest.trim())) throw new PromParseError(lineNo, `unknown type ${JSON.stringify(rest.trim())} for ${name}`);
        typeSeen.add(name);
        f.type = rest.trim() as PromType;
      }
      return;
    }
    const sample = parseSampleLine(line, lineNo);
    const f = family(familyOf(sample.name, families), lineNo);
    checkSuffix(f, sample, lineNo);
    const key = `${sample.name}${canonical(sample.labels)}`;
    if (seenSeries.has(key)) throw new PromParseError(lineNo, `duplicate series ${key}`);
    seenSeries.add(key);
    f.samples.push(sample);
  });
  for (const f of families.values()) checkFamily(f);
  return families;
}

/** The family a sample belongs to: itself, or the histogram/summary whose name it extends. */
function familyOf(name: string, families: Map<string, PromFamily>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const f = families.get(base);
    if (f && (f.type === "histogram" || f.type === "summary") && (suffix !== "_bucket" || f.type === "histogram")) return base;
  }
  return name;
}

function checkSuffix(f: PromFamily, s: PromSample, lineNo: number): void {
  if (f.type === "histogram") {
    if (s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new PromParseError(lineNo, `${s.name} without an le label`);
      if (Number.isNaN(parseValue(s.labels.le))) throw new PromParseError(lineNo, `${s.name} has le=${JSON.stringify(s.labels.le)}`);
    } else if (s.name !== `${f.name}_sum` && s.name !== `${f.name}_count`) {
      throw new PromParseError(lineNo, `${s.name} is not a sample of histogram ${f.name}`);
    }
  } else if (f.type === "summary" && s.name === f.name && s.labels.quantile === undefined) {
    throw new PromParseError(lineNo, `summary sample ${s.name} without a quantile label`);
  } else if (f.type !== "summary" && s.name !== f.name) {
    throw new PromParseError(lineNo, `${s.name} in family ${f.name}`);
  }
  if (f.type === "counter" && s.value < 0) throw new PromParseError(lineNo, `counter ${s.name} is negative`);
}

/** Histogram buckets: per label set (le aside), a +Inf bucket, cumulative counts, _count equal to it. */
function checkFamily(f: PromFamily): void {
  if (f.type !== "histogram") return;
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = canonical(rest);
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith("_bucket")) g.buckets.push([parseValue(le as string), s.value]);
    else if (s.name.endsWith("_count")) g.count = s.value;
  }
  for (const [key, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Number.POSITIVE_INFINITY) throw new PromParseError(0, `histogram ${f.name}${key} has no le="+Inf" bucket`);
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i]?.[1] ?? 0) < (sorted[i - 1]?.[1] ?? 0))
        throw new PromParseError(0, `histogram ${f.name}${key} buckets are not cumulative`);
    }
    if (g.count !== undefined && g.count !== inf[1])
      throw new PromParseError(0, `histogram ${f.name}${key}: _count differs from the +Inf bucket`);
  }
}

function parseSampleLine(line: string, lineNo: number): PromSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new PromParseError(lineNo, `invalid metric name at ${JSON.stringify(line.slice(0, 40))}`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === "{") {
    pos++;
    for (;;) {
      if (line[pos] === "}") {
        pos++;
        break;
      }
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!ln) throw new PromParseError(lineNo, `invalid label name in ${name}`);
      const labelName = ln[0];
      if (labelName.startsWith("__")) throw new PromParseError(lineNo, `reserved label name ${labelName} in ${name}`);
      if (Object.hasOwn(labels, labelName)) throw new PromParseError(lineNo, `label ${labelName} twice in ${name}`);
      pos += labelName.length;
      if (line.slice(pos, pos + 2) !== '="') throw new PromParseError(lineNo, `expected ="  after label ${labelName} in ${name}`);
      pos += 2;
      let value = "";
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new PromParseError(lineNo, `unterminated value of label ${labelName} in ${name}`);
        pos++;
        if (c === '"') break;
        if (c === "\\") {
          const e = line[pos];
          pos++;
          if (e === "\\") value += "\\";
          else if (e === '"') value += '"';
          else if (e === "n") value += "\n";
          else throw new PromParseError(lineNo, `invalid escape \\${e ?? ""} in label ${labelName} of ${name}`);
        } else value += c;
      }
      labels[labelName] = value;
      if (line[pos] === ",") pos++;
      else if (line[pos] !== "}") throw new PromParseError(lineNo, `expected , or } after label ${labelName} in ${name}`);
    }
  }
  const rest = line.slice(pos);
  const m = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
  if (!m) throw new PromParseError(lineNo, `expected a value (and optional timestamp) after ${name}, got ${JSON.stringify(rest)}`);
  const value = parseValue(m[1] as string);
  if (Number.isNaN(value) && !/^nan$/i.test(m[1] as string))
    throw new PromParseError(lineNo, `invalid value ${JSON.stringify(m[1])} for ${name}`);
  const sample: PromSample = { name, labels, value };
  if (m[2] !== undefined) sample.timestamp = Number(m[2]);
  return sample;
}

/** A value as Prometheus reads it (Go's ParseFloat: NaN and Inf in any case); NaN for anything else. */
function parseValue(text: string): number {
  if (/^[+]?(inf|infinity)$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-(inf|infinity)$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

function unescapeHelp(text: string, lineNo: number): string {
  return text.replace(/\\(.?)/g, (_, e: string) => {
    if (e === "\\") return "\\";
    if (e === "n") return "\n";
    throw new PromParseError(lineNo, `invalid escape \\${e} in HELP`);
  });
}

function canonical(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",")}}`;
}
