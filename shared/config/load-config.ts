import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { type FieldIssue, formatPath, toFieldIssues } from "../validation/issues.ts";
import { ConfigError } from "./config-error.ts";
import { Secret, SecretRef } from "./secret.ts";

/** An environment variable that overrides one config path. */
export interface EnvOverride {
  name: string;
  path: string[];
  /** How the text becomes a value before validation. */
  type: "string" | "integer" | "list";
}

export interface LoadOptions<S extends z.ZodType> {
  schema: S;
  /** Config file path; `undefined` means none was given. */
  file: string | undefined;
  /** Where the file was named (`--config`, `VIGIL_HUB_CONFIG`); a file named explicitly must exist. */
  fileRequired: boolean;
  envOverrides: EnvOverride[];
  env: Readonly<Record<string, string | undefined>>;
}

export interface Loaded<T> {
  config: ResolvedSecrets<T>;
  /** The file actually read, if any. */
  file: string | undefined;
}

/** A parsed config with every SecretRef replaced by a resolved Secret. */
export type ResolvedSecrets<T> = T extends SecretRef
  ? Secret
  : T extends Array<infer U>
    ? ResolvedSecrets<U>[]
    : T extends object
      ? { [K in keyof T]: ResolvedSecrets<T[K]> }
      : T;

/**
 * Merges config in one place: file, then environment overrides, then the schema's defaults.
 * Every error names the file (or the variable), the path and the expectation. This module is
 * the only reader of environment variables for configuration.
 */
export function loadConfig<S extends z.ZodType>(opts: LoadOptions<S>): Loaded<z.infer<S>> {
  const source = opts.file ?? "(defaults)";
  const raw = readRaw(opts.file, opts.fileRequired);
  const envPaths = applyEnv(raw.data, opts.envOverrides, opts.env);

  const parsed = opts.schema.safeParse(raw.data, { reportInput: true });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error.issues);
    throw new ConfigError(
      source,
      issues.map((i) => attributeToEnv(i, envPaths)),
    );
  }
  const baseDir = raw.file ? dirname(raw.file) : process.cwd();
  const secretIssues: FieldIssue[] = [];
  const config = resolveSecrets(parsed.data, [], baseDir, opts.env, secretIssues);
  if (secretIssues.length > 0) throw new ConfigError(source, secretIssues);
  return { config: config as ResolvedSecrets<z.infer<S>>, file: raw.file };
}

function readRaw(file: string | undefined, required: boolean): { data: Record<string, unknown>; file: string | undefined } {
  if (file === undefined) return { data: {}, file: undefined };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return { data: {}, file: undefined };
    const why = code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : String((err as Error).message);
    throw new ConfigError(file, [{ path: "", message: `cannot read the config file: ${why}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const what = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
        return { path: "", message: `invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${what}` };
      }),
    );
  }
  const data: unknown = dropNulls(doc.toJS());
  if (data === null || data === undefined) return { data: {}, file };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: "", message: "the top level must be a mapping of keys to values" }]);
  }
  return { data: data as Record<string, unknown>, file };
}

/**
 * A key left empty in YAML (`hub:` with every child commented out) is null: treat it as absent,
 * so the defaults apply instead of an "expected object, got null" error.
 */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

function applyEnv(data: Record<string, unknown>, overrides: EnvOverride[], env: LoadOptions<z.ZodType>["env"]): Map<string, string> {
  const used = new Map<string, string>();
  for (const o of overrides) {
    const text = env[o.name];
    if (text === undefined || text === "") continue;
    let value: unknown = text;
    if (o.type === "integer") value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    if (o.type === "list")
      value = text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    setPath(data, o.path, value);
    used.set(formatPath(o.path), o.name);
  }
  return used;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function attributeToEnv(issue: FieldIssue, envPaths: Map<string, string>): FieldIssue {
  for (const [path, name] of envPaths) {
    if (issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`)) {
      return { path: issue.path, message: `${issue.message} (set by environment variable ${name})` };
    }
  }
  return issue;
}

function resolveSecrets(
  value: unknown,
  path: PropertyKey[],
  baseDir: string,
  env: LoadOptions<z.ZodType>["env"],
  issues: FieldIssue[],
): unknown {
  if (value instanceof SecretRef) {
    if (value.kind === "inline") return new Secret(value.ref, "inline");
    if (value.kind === "env") {
      const v = env[value.ref];
      if (v === undefined || v === "") {
        issues.push({ path: formatPath(path), message: `environment variable ${value.ref} is not set` });
        return undefined;
      }
      return new Secret(v, `env:${value.ref}`);
    }
    const file = resolve(baseDir, value.ref);
    try {
      const v = readFileSync(file, "utf8").trim();
      if (v === "") throw Object.assign(new Error("empty"), { code: "EMPTY" });
      return new Secret(v, `file:${file}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      const why = code === "ENOENT" ? "not found" : code === "EACCES" ? "permission denied" : code === "EMPTY" ? "is empty" : "unreadable";
      issues.push({ path: formatPath(path), message: `secret file ${file} ${why}` });
      return undefined;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, [...path, i], baseDir, env, issues));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveSecrets(v, [...path, k], baseDir, env, issues);
    return out;
  }
  return value;
}
