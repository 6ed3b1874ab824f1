import type * as PromClient from "prom-client";

/**
 * prom-client's metric classes, required one file at a time rather than through the package's index.
 * `require("prom-client")` also loads the Pushgateway (http, https, zlib), the cluster aggregator
 * (cluster), the default metrics (v8, perf_hooks, an event-loop monitor that wakes the process every
 * 10 ms) and @opentelemetry/api: +12.7 MB of RSS under the agent's flags. These files need only
 * `fs`, `util` and each other; in the running agent they cost no more than the run-to-run noise of
 * its RSS (docs/benchmarks.md, agent footprint). The package has no `exports` map, so the paths are
 * reachable; the types are the package's own. `createRequire` comes from getBuiltinModule because an
 * ES-module import of `node:module` materialises all of its exports (docs/benchmarks.md).
 */
const load = process.getBuiltinModule("node:module").createRequire(import.meta.url);

export const Registry = load("prom-client/lib/registry") as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
export const Counter = load("prom-client/lib/counter") as typeof PromClient.Counter;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export const Gauge = load("prom-client/lib/gauge") as typeof PromClient.Gauge;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export const Histogram = load("prom-client/lib/histogram") as typeof PromClient.Histogram;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;

/** One of prom-client's default-metric modules (lib/metrics/*.js): registers its gauges, read at each scrape. */
export function registerDefaultMetric(
  name: "processStartTime" | "osMemoryHeap" | "processOpenFileDescriptors" | "processMaxFileDescriptors" | "heapSizeAndUsed" | "version",
  registry: Registry,
): void {
  (load(`prom-client/lib/metrics/${name}`) as (r: Registry, config: object) => void)(registry, {});
}

/**
 * Sets a counter to a total kept elsewhere (a plain field the hot path increments, or a count kept in
 * the database), from a `collect()` callback. prom-client's Counter only goes up by `inc`.
 */
export function setTotal<T extends string>(counter: Counter<T>, value: number, labels?: PromClient.LabelValues<T>): void {
  if (labels === undefined) {
    counter.reset();
    counter.inc(value);
    return;
  }
  counter.remove(labels);
  counter.inc(labels, value);
}

/** A gauge with no labels set to `value`, or left with no sample when there is none (missing is not zero). */
export function setOrAbsent(gauge: Gauge, value: number | null | undefined): void {
  if (value === null || value === undefined) gauge.remove();
  else gauge.set(value);
}
