/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code units, no whitespace,
 * `undefined` members left out. Both ends sign and verify these bytes, so two equal requests must
 * always serialise to the same text.
 *
 * Written here rather than taken from a JCS (RFC 8785) package: the signed values are only strings,
 * booleans, null, safe integers and arrays and plain objects of them, for which JSON.stringify's own
 * string escaping and number format are already the ones JCS prescribes (JCS defines them as
 * ECMAScript's). The one thing missing is the key order, which is the few lines below. Anything else
 * (a float, NaN, a Date, a class instance) is refused, so nothing can serialise differently on a
 * newer runtime.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`${path}: only safe integers can be signed, not ${String(value)}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`).join(",")}}`;
  }
  throw new TypeError(`${path}: ${typeof value} values cannot be signed`);
}
