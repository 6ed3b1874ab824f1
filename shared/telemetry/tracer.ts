/**
 * The only part of tracing that hot paths touch. With tracing off (no endpoint configured) it has no
 * backend: `withSpan` is a direct call of `fn` and the rest return at once. Nothing of OpenTelemetry or
 * gRPC is imported here; `start-tracing.ts` loads them with a dynamic import only when an endpoint is
 * set, and installs the backend (otel-backend.ts). This file must stay free of imports so the agent,
 * which runs near its memory target, pays nothing for tracing it does not use.
 */

export type SpanAttributeValue = string | number | boolean;
/** Undefined and null values are left out, so callers can pass optional fields as they are. */
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | null | undefined>>;

export interface SpanOptions {
  /** Start a new trace even when a span is active (work picked up from a queue, not caused by the caller). */
  root?: boolean;
  /** A W3C `traceparent` received from another process: the span is its child (an invalid one starts a new trace). */
  parent?: string | undefined;
}

/** What code inside a span may do to it. */
export interface TraceSpan {
  set(attributes: SpanAttributes): void;
  /** Marks the span failed without an exception: `error.type` (a stable code) and a message. */
  fail(errorType: string, message?: string): void;
}

export interface TracingBackend {
  run<T>(name: string, attributes: SpanAttributes, fn: (span: TraceSpan) => T, options: SpanOptions | undefined): T;
  /** The span active in the current async context, if any. */
  active(): TraceSpan | undefined;
  /** The `traceparent` of the active span, to carry to another process. */
  traceparent(): string | undefined;
}

const NOOP_SPAN: TraceSpan = {
  set: () => {},
  fail: () => {},
};

let backend: TracingBackend | undefined;

/**
 * Runs `fn` inside a span named `name` (low cardinality: "ingest batch", never an id). A thrown error
 * or rejected promise marks the span failed and is passed on unchanged; the span ends when `fn`
 * returns or its promise settles. Off: `fn(noop)`.
 */
export function withSpan<T>(name: string, attributes: SpanAttributes, fn: (span: TraceSpan) => T, options?: SpanOptions): T {
  return backend === undefined ? fn(NOOP_SPAN) : backend.run(name, attributes, fn, options);
}

/** Adds attributes to the active span (a no-op without one), for code that learns them deep inside the work. */
export function annotateSpan(attributes: SpanAttributes): void {
  backend?.active()?.set(attributes);
}

/** Marks the active span failed (a no-op without one). */
export function failSpan(errorType: string, message?: string): void {
  backend?.active()?.fail(errorType, message);
}

/** The W3C `traceparent` of the active span, or undefined (tracing off, or no span). */
export function currentTraceparent(): string | undefined {
  return backend?.traceparent();
}

export function tracingEnabled(): boolean {
  return backend !== undefined;
}

/** Installed by start-tracing.ts once the SDK runs; undefined when it stops. */
export function setTracingBackend(next: TracingBackend | undefined): void {
  backend = next;
}
