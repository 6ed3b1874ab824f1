/**
 * Argument templates of the action catalog. An argv element is either literal text, one whole
 * placeholder (`"{unit}"`: the value becomes the whole argument, whatever it holds), or, only when the
 * config says `{splice: "..."}`, text with placeholders inside (`{splice: "{dataset}@{name}"}`).
 * Values are never parsed again after substitution: there is no shell and no second expansion.
 */

export type TemplatePart = { kind: "literal"; text: string } | { kind: "param"; name: string };

export interface ArgTemplate {
  parts: TemplatePart[];
  /** True when the config allowed values inside a larger argument. */
  splice: boolean;
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;

/** Splits template text into literal text and placeholders. Braces that name no parameter stay literal. */
export function parseTemplate(text: string, splice = false): ArgTemplate {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ kind: "literal", text: text.slice(last, m.index) });
    parts.push({ kind: "param", name: m[1] as string });
    last = m.index + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ kind: "literal", text: text.slice(last) });
  return { parts, splice };
}

/** The parameter names a template refers to. */
export function templateParams(t: ArgTemplate): string[] {
  return t.parts.flatMap((p) => (p.kind === "param" ? [p.name] : []));
}

/** True when the template is exactly one placeholder. */
export function isWholeParam(t: ArgTemplate): boolean {
  return t.parts.length === 1 && t.parts[0]?.kind === "param";
}

/** Fills a template with checked values; a missing value is a programming error (params are checked first). */
export function renderTemplate(t: ArgTemplate, values: Readonly<Record<string, string>>): string {
  return t.parts
    .map((p) => {
      if (p.kind === "literal") return p.text;
      const v = values[p.name];
      if (v === undefined) throw new Error(`no value for {${p.name}}`);
      return v;
    })
    .join("");
}

/** The argv of one request: each template element becomes exactly one argument. */
export function renderArgv(argv: readonly ArgTemplate[], values: Readonly<Record<string, string>>): string[] {
  return argv.map((t) => renderTemplate(t, values));
}
