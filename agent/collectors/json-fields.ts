import { describeValue } from "../../shared/validation/issues.ts";

/*
 * Typed getters for the few fields the agent reads from other programs' JSON (the Docker Engine API,
 * nerdctl, Ollama). Hand-written rather than zod because loading zod in the long-lived agent costs
 * ~2.7 MB of RSS (62.7 MB against 60.0 MB with it stubbed out) for a dozen fields, and the agent has
 * to stay under 60 MB. Objects are
 * never strict: each new version of those programs adds fields, and only the ones read are checked.
 */

/** A field that is missing or not what was expected; `path` is `[2].State.ExitCode`-style, "" for the root. */
export class JsonFieldError extends Error {
  override readonly name = "JsonFieldError";
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path === "" ? reason : `${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** An object found in the input, with where it was found, so errors can name the full path of a field. */
export interface JsonObject {
  readonly path: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new JsonFieldError(
    path,
    value === undefined ? `is required (expected ${expected})` : `expected ${expected}, got ${describeValue(value)}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an object, or an error naming `path`. */
export function asObject(value: unknown, path = ""): JsonObject {
  if (!isObject(value)) fail(path, "object", value);
  return { path, fields: value };
}

/** `value` as an array, or an error naming `path`. */
export function asArray(value: unknown, path = ""): readonly unknown[] {
  if (!Array.isArray(value)) fail(path, "array", value);
  return value;
}

/** Each element of an array of objects, read with `read`; errors name the element (`models[3].name`). */
export function mapObjects<T>(value: unknown, path: string, read: (o: JsonObject) => T): T[] {
  return asArray(value, path).map((item, i) => read(asObject(item, childPath(path, i))));
}

export interface StringRules {
  /** Least length; 1 refuses "". */
  min?: number;
  max?: number;
}

function checkString(value: unknown, path: string, rules: StringRules): string {
  if (typeof value !== "string") fail(path, "string", value);
  if (rules.min !== undefined && value.length < rules.min) {
    fail(path, rules.min === 1 ? "a non-empty string" : `a string of at least ${rules.min} characters`, value);
  }
  if (rules.max !== undefined && value.length > rules.max) fail(path, `a string of at most ${rules.max} characters`, value);
  return value;
}

export interface IntRules {
  min?: number;
}

function checkInt(value: unknown, path: string, rules: IntRules): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "number", value);
  if (!Number.isSafeInteger(value)) fail(path, "an integer", value);
  if (rules.min !== undefined && value < rules.min) fail(path, `an integer >= ${rules.min}`, value);
  return value;
}

/** A required string. */
export function str(o: JsonObject, key: string, rules: StringRules = {}): string {
  return checkString(o.fields[key], childPath(o.path, key), rules);
}

/** A string that may be absent (undefined); null is an error, as it is not what these APIs send. */
export function optStr(o: JsonObject, key: string, rules: StringRules = {}): string | undefined {
  const value = o.fields[key];
  return value === undefined ? undefined : checkString(value, childPath(o.path, key), rules);
}

/** A required integer. */
export function int(o: JsonObject, key: string, rules: IntRules = {}): number {
  return checkInt(o.fields[key], childPath(o.path, key), rules);
}

/** An integer that may be absent. */
export function optInt(o: JsonObject, key: string, rules: IntRules = {}): number | undefined {
  const value = o.fields[key];
  return value === undefined ? undefined : checkInt(value, childPath(o.path, key), rules);
}

/** A boolean that may be absent. */
export function optBool(o: JsonObject, key: string): boolean | undefined {
  const value = o.fields[key];
  if (value === undefined || typeof value === "boolean") return value;
  return fail(childPath(o.path, key), "boolean", value);
}

/** A required nested object. */
export function obj(o: JsonObject, key: string): JsonObject {
  return asObject(o.fields[key], childPath(o.path, key));
}

/** A nested object that may be absent or null (Docker writes `"Health": null`, `"Config": null`). */
export function optObj(o: JsonObject, key: string): JsonObject | undefined {
  const value = o.fields[key];
  return value === undefined || value === null ? undefined : asObject(value, childPath(o.path, key));
}

/** The raw value of a field, for the caller to read with asArray/mapObjects (`models` may be null). */
export function raw(o: JsonObject, key: string): unknown {
  return o.fields[key];
}

/** An array of strings that may be absent or null (the Engine API's `Names`). */
export function optStrings(o: JsonObject, key: string): string[] | undefined {
  const value = o.fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail(childPath(o.path, key), "an array of strings", value);
  return value as string[];
}
