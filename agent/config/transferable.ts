import { Secret } from "../../shared/config/secret.ts";

/**
 * The loaded config as plain data, so it can cross from the config child process to the agent as JSON
 * (which keeps plain objects, arrays, strings, finite numbers and booleans; a Secret would print as
 * "[redacted]"). A Secret becomes a marker object and is rebuilt on the other side.
 */
const SECRET_MARK = "\u0000vigil:secret";

type Marker = { [SECRET_MARK]: { value: string; source: string } };

/** Replaces every Secret with a marker; refuses anything a structured clone would change (class instances, functions). */
export function toTransferable(value: unknown, path = "config"): unknown {
  if (value instanceof Secret) return { [SECRET_MARK]: { value: value.reveal(), source: value.source } } satisfies Marker;
  if (Array.isArray(value)) return value.map((v, i) => toTransferable(v, `${path}[${i}]`));
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`${path}: ${value} cannot leave the config child (JSON)`);
  if (typeof value === "function" || typeof value === "symbol")
    throw new TypeError(`${path}: a ${typeof value} cannot leave the config child`);
  if (value !== null && typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      // A schema that starts producing class instances must say how they cross, not lose them silently.
      throw new TypeError(`${path}: a ${(value as object).constructor?.name ?? "class instance"} cannot leave the config child`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toTransferable(v, `${path}.${k}`);
    return out;
  }
  return value;
}

/** Rebuilds the Secrets of a config made by toTransferable. */
export function fromTransferable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTransferable);
  if (value !== null && typeof value === "object") {
    const secret = (value as Partial<Marker>)[SECRET_MARK];
    if (secret !== undefined) return new Secret(secret.value, secret.source);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromTransferable(v);
    return out;
  }
  return value;
}
