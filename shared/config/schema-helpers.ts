import { z } from "zod";
import { SecretRef } from "./secret.ts";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "5m", "1h", "7d"; a bare number means seconds. Returns milliseconds or null. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? Math.round(text * 1000) : null;
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? "s"] ?? Number.NaN));
}

/** A duration in config, as milliseconds after parsing. */
export function duration(opts: { min?: string; max?: string } = {}) {
  const min = opts.min === undefined ? 0 : (parseDuration(opts.min) ?? 0);
  const max = opts.max === undefined ? Number.POSITIVE_INFINITY : (parseDuration(opts.max) ?? Number.POSITIVE_INFINITY);
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: 'expected a duration such as "500ms", "30s", "5m" or "1h"', input: value });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: "custom",
        message:
          opts.max === undefined
            ? `expected a duration of at least ${opts.min ?? "0s"}`
            : `expected a duration between ${opts.min ?? "0s"} and ${opts.max}`,
        input: value,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/**
 * A secret: a plain string, `{ env: NAME }` or `{ file: /path }`. Parsing yields a SecretRef that the
 * loader resolves into a Secret, so schemas never read the environment themselves.
 */
export const secret = z.union([
  z
    .string()
    .min(1)
    .transform((v) => new SecretRef("inline", v)),
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }).transform((v) => new SecretRef("env", v.env)),
  z.strictObject({ file: z.string().min(1) }).transform((v) => new SecretRef("file", v.file)),
]);

const LISTEN_EXPECTED = 'expected "host:port" such as "127.0.0.1:9470"';

/** `host:port` or a port alone (a YAML number, as in `listen: 9470`, is a port). */
export const listenAddress = z.union([z.string(), z.number()], { error: LISTEN_EXPECTED }).transform((value, ctx) => {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9.-]+):)?(\d{1,5})$/.exec(String(value).trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) {
    ctx.addIssue({ code: "custom", message: LISTEN_EXPECTED, input: value });
    return z.NEVER;
  }
  const host = (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, "");
  return { host, port };
});
export type ListenAddress = { host: string; port: number };

export const logLevel = z.enum(["debug", "info", "warn", "error"]);
