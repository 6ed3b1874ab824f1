import { z } from "zod";
import type { ResolvedSecrets } from "../../../shared/config/load-config.ts";
import { duration, secret } from "../../../shared/config/schema-helpers.ts";
import { parseJsonPath } from "./json-path.ts";

const PROBE_KINDS = ["http", "tcp", "freshness", "ollama"] as const;
const SOURCE_KEYS = ["file", "http", "command"] as const;

/** Default body bytes an http probe reads (and searches for `bodyContains`) before it stops reading. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/** Request headers; values are secrets (`{ env: NAME }`, `{ file: path }` or text), since they often carry tokens. */
const headers = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "expected an HTTP header name" }), secret);

const common = {
  /** The probe's name: the `probe` label of everything it reports. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, {
    error: "expected 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
  }),
  /** How long one check may take, all its requests included; past it the probe fails with status "timeout". */
  timeout: duration({ min: "10ms" }).default(5_000),
};

const httpProbe = z.strictObject({
  kind: z.literal("http"),
  ...common,
  url: httpUrl,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "OPTIONS"]).default("GET"),
  headers: headers.default({}),
  /** Request body, sent as is (with POST or PUT). */
  body: z.string().optional(),
  /** Statuses that pass; default any 2xx. Redirects are not followed, so a 301 fails unless listed. */
  expectStatus: z
    .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)], { error: "expected an HTTP status or a list of them" })
    .transform((v) => (typeof v === "number" ? [v] : v))
    .optional(),
  /** Text the body must contain (searched in the first `maxBodyBytes` bytes). */
  bodyContains: z.string().min(1).optional(),
  /** Most body bytes read; the rest is not downloaded. */
  maxBodyBytes: z
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(DEFAULT_MAX_BODY_BYTES),
});

const tcpProbe = z.strictObject({
  kind: z.literal("tcp"),
  ...common,
  host: z.string().min(1).default("127.0.0.1"),
  port: z.int().min(1).max(65535),
});

/**
 * Where a freshness probe reads its timestamp: exactly one of `file` (its mtime), `http` with
 * `jsonPath` (a field of a JSON answer) or `command` (an argv array whose output is the timestamp).
 * Written as one object checked by hand rather than a zod union: a union's error for `{}` or for
 * `{file, command}` would name one arbitrary branch instead of saying what is wrong.
 */
const freshnessSource = z
  .strictObject({
    /** A file whose modification time is the timestamp. */
    file: z.string().min(1).optional(),
    /** A URL answering JSON; `jsonPath` names the timestamp in it. */
    http: httpUrl.optional(),
    jsonPath: z
      .string()
      .refine((p) => parseJsonPath(p) !== undefined, { error: "expected a path such as $.last.timestamp or predictions[0].at" })
      .optional(),
    headers: headers.optional(),
    /** A program and its arguments (no shell) printing one timestamp. The first element is found on PATH unless it is a path. */
    command: z
      .array(z.string().min(1))
      .min(1, { error: "expected the program and its arguments, e.g. [stat, -c, '%Y', /path]" })
      .optional(),
  })
  .superRefine((s, ctx) => {
    const given = SOURCE_KEYS.filter((k) => s[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `expected exactly one of file, http or command, got ${given.length === 0 ? "none" : given.join(" and ")}`,
      });
    }
    if (s.http !== undefined && s.jsonPath === undefined) {
      ctx.addIssue({ code: "custom", path: ["jsonPath"], message: "is required with http (where the timestamp is in the JSON answer)" });
    }
    for (const key of ["jsonPath", "headers"] as const) {
      if (s[key] !== undefined && s.http === undefined) ctx.addIssue({ code: "custom", path: [key], message: "is only used with http" });
    }
  })
  .transform((s): FreshnessSource => {
    if (s.file !== undefined) return { type: "file", path: s.file };
    if (s.http !== undefined) return { type: "http", url: s.http, jsonPath: s.jsonPath ?? "", headers: s.headers ?? {} };
    return { type: "command", argv: s.command ?? [] };
  });

type FreshnessSource =
  | { type: "file"; path: string }
  | { type: "http"; url: string; jsonPath: string; headers: z.output<typeof headers> }
  | { type: "command"; argv: string[] };

const freshnessProbe = z.strictObject({
  kind: z.literal("freshness"),
  ...common,
  source: freshnessSource,
  /** Older than this is "stale" (up 0). */
  maxAge: duration({ min: "1s" }),
});

const ollamaProbe = z.strictObject({
  kind: z.literal("ollama"),
  ...common,
  /** The Ollama server's base URL. */
  url: httpUrl.default("http://127.0.0.1:11434"),
  /** Models that must be installed (`llama3.2` means `llama3.2:latest`); a missing one fails the probe with "missing_model". */
  expectedModels: z.array(z.string().min(1)).default([]),
});

const probe = z.discriminatedUnion("kind", [httpProbe, tcpProbe, freshnessProbe, ollamaProbe], {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input = issue.input as { kind?: unknown } | undefined;
    const got = input?.kind === undefined ? "none" : JSON.stringify(input.kind);
    return `expected kind ${PROBE_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${got}`;
  },
});

/** `collectors.probes`: checks of services from this host; a failing probe is data, not a collector error. */
export const probesCollectorSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    interval: duration({ min: "1s" }).default(30_000),
    /** Bounds a whole cycle; each probe's own `timeout` must be shorter, so a slow probe reports itself as "timeout". */
    timeout: duration({ min: "100ms" }).default(20_000),
    /** The probes, run concurrently each cycle. */
    probes: z.array(probe).default([]),
  })
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    section.probes.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({ code: "custom", path: ["probes", i, "name"], message: `another probe is already named "${p.name}"` });
      seen.add(p.name);
      if (p.timeout >= section.timeout) {
        ctx.addIssue({
          code: "custom",
          path: ["probes", i, "timeout"],
          message: `must be shorter than collectors.probes.timeout (${section.timeout} ms), got ${p.timeout} ms`,
        });
      }
    });
  });

/** The section after loading: durations in milliseconds, header secrets resolved. */
export type ProbesCollectorConfig = ResolvedSecrets<z.output<typeof probesCollectorSchema>>;
export type ProbeConfig = ProbesCollectorConfig["probes"][number];
export type ProbeKind = ProbeConfig["kind"];
