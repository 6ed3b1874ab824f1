import { Secret } from "../config/secret.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written, whatever they hold. */
const SECRET_KEY = /(token|password|passwd|secret|authorization|cookie|api[-_]?key|signature|credential)/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Defaults to stdout; journald takes one JSON object per line. */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * The ids of the active trace span, set by shared/telemetry when tracing starts (undefined while it is
 * off, so a log call then costs one comparison more).
 */
let traceFields: (() => { trace_id: string; span_id: string } | undefined) | undefined;

/** Makes every line written inside a span carry its `trace_id` and `span_id` (undefined: stop). */
export function setLogTraceFields(source: typeof traceFields): void {
  traceFields = source;
}

/** JSON lines: `{"time","level","component","msg",...fields}`. Secrets are redacted by type and by key. */
export function createLogger(opts: LoggerOptions, bound: Record<string, unknown> = {}): Logger {
  const min = RANK[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    const head = { time: now().toISOString(), level, component: opts.component, msg };
    // Fields cannot rewrite when a line was written, its level or its message (a child may refine `component`).
    const record = { ...head, ...traceFields?.(), ...bound, ...fields, time: head.time, level, msg };
    let line: string;
    try {
      line = JSON.stringify(record, redactor);
    } catch (err) {
      // A cyclic or otherwise unserialisable field must not turn a log call into a crash.
      line = JSON.stringify({ ...head, logError: `fields not serialisable: ${err instanceof Error ? err.message : String(err)}` });
    }
    write(`${line}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(opts, { ...bound, ...fields }),
  };
}

function redactor(this: unknown, key: string, value: unknown): unknown {
  if (value instanceof Secret) return "[redacted]";
  // Numbers and booleans are never credentials here (every secret is a string), and counts such as
  // `promptTokens` must stay readable on boxes that serve LLMs.
  if (key !== "" && SECRET_KEY.test(key) && (typeof value === "string" || typeof value === "object") && value !== null) return "[redacted]";
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; cause?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = createLogger({ component: "silent", level: "error", write: () => {} });
