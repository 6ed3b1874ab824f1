/**
 * Just enough XML reading for `nvidia-smi -q -x`, written here rather than taken from a library: the
 * agent must stay light and no XML parser is installed, and this document is simple (elements and
 * text, one attribute we read, no namespaces, CDATA or mixed content). What it does not handle it
 * does not pretend to: a malformed document yields missing elements, which the caller reports.
 */

export interface XmlElement {
  /** The raw attribute text of the start tag (` id="00000000:01:00.0"`), empty when there is none. */
  attributes: string;
  /** Everything between the start and the end tag, undecoded. */
  inner: string;
  /** Where the element (start tag to end tag) begins and ends in the text it was found in. */
  start: number;
  end: number;
}

/** Each `<tag>` element directly in `xml` (not one inside another of the same tag), in document order. */
export function elements(xml: string, tag: string): XmlElement[] {
  const found: XmlElement[] = [];
  const tagPattern = new RegExp(`<(/?)${tag}(\\s[^>]*?)?(/?)>`, "g");
  let depth = 0;
  let open: { attributes: string; start: number; innerStart: number } | undefined;
  for (const m of xml.matchAll(tagPattern)) {
    const [whole, closing, attributes = "", selfClosing] = m;
    if (closing === "") {
      if (selfClosing === "/") {
        if (depth === 0) found.push({ attributes, inner: "", start: m.index, end: m.index + whole.length });
        continue;
      }
      if (depth === 0) open = { attributes, start: m.index, innerStart: m.index + whole.length };
      depth++;
    } else if (depth > 0) {
      depth--;
      if (depth === 0 && open !== undefined) {
        const inner = xml.slice(open.innerStart, m.index);
        found.push({ attributes: open.attributes, inner, start: open.start, end: m.index + whole.length });
      }
    }
  }
  return found;
}

/** `xml` without the given elements (and what they hold), so a lookup cannot reach into them. */
export function withoutElements(xml: string, tags: readonly string[]): string {
  let rest = xml;
  for (const tag of tags) {
    // From the last element back, so the offsets of the earlier ones stay right.
    for (const element of elements(rest, tag).reverse()) rest = rest.slice(0, element.start) + rest.slice(element.end);
  }
  return rest;
}

/** The decoded, trimmed text of the element reached by `path` (first match at each step), or undefined. */
export function textAt(xml: string, ...path: string[]): string | undefined {
  let current: string | undefined = xml;
  for (const tag of path) {
    if (current === undefined) return undefined;
    current = elements(current, tag)[0]?.inner;
  }
  return current === undefined ? undefined : decodeEntities(current.trim());
}

/** The value of one attribute in a start tag's attribute text. */
export function attribute(attributes: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes);
  return m === null ? undefined : decodeEntities(m[1] ?? m[2] ?? "");
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number(ref.slice(1)));
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
