import type { AsyncLocalStorage } from "node:async_hooks";
import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { SpanAttributes, TraceSpan, TracingBackend } from "./tracer.ts";

export interface SpanBackend extends TracingBackend {
  /** The ids the logger adds to a line written inside a sampled span. */
  logFields(): { trace_id: string; span_id: string } | undefined;
}

/**
 * The facade's backend over an SDK tracer: the active span lives in `contexts` (AsyncLocalStorage, so it
 * follows awaits and timers), and trace context crosses processes as a W3C `traceparent`.
 */
export function spanBackend(tracer: Tracer, contexts: AsyncLocalStorage<Context>): SpanBackend {
  const propagator = new W3CTraceContextPropagator();
  const active = (): Context => contexts.getStore() ?? ROOT_CONTEXT;

  return {
    run(name, attributes, fn, options) {
      const parent =
        options?.parent !== undefined
          ? propagator.extract(ROOT_CONTEXT, { traceparent: options.parent }, defaultTextMapGetter)
          : options?.root
            ? ROOT_CONTEXT
            : active();
      const span = tracer.startSpan(name, { attributes: defined(attributes) }, parent);
      let result: ReturnType<typeof fn>;
      try {
        result = contexts.run(trace.setSpan(parent, span), fn, handleOf(span));
      } catch (err) {
        failed(span, err);
        span.end();
        throw err;
      }
      if (!isThenable(result)) {
        span.end();
        return result;
      }
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          failed(span, err);
          span.end();
          throw err;
        },
      ) as typeof result;
    },
    active() {
      const span = trace.getSpan(active());
      return span === undefined ? undefined : handleOf(span);
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagator.inject(active(), carrier, defaultTextMapSetter);
      return carrier.traceparent;
    },
    logFields() {
      const context = trace.getSpanContext(active());
      // Ids of a trace that is not sampled lead nowhere: such lines carry none.
      if (context === undefined || (context.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
      return { trace_id: context.traceId, span_id: context.spanId };
    },
  };
}

function handleOf(span: Span): TraceSpan {
  return {
    set: (attributes) => void span.setAttributes(defined(attributes)),
    fail: (errorType, message) => {
      span.setAttribute("error.type", errorType);
      span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
    },
  };
}

function failed(span: Span, err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  const type = typeof code === "string" ? code : err instanceof Error ? err.name : "Error";
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err instanceof Error ? err.message : String(err)).slice(0, 500) });
}

function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
