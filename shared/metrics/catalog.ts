/**
 * The catalog of what collectors emit: one file per collector in shared/metrics/, so the agent's
 * /metrics (HELP and TYPE lines), the hub's typed views, its federation endpoint and the docs all
 * read the same names. A collector emits only names its catalog holds; units are in the names
 * (node_exporter style: `_bytes`, `_seconds`, `_celsius`, `_percent`, `_total`).
 */

export type SeriesType = "gauge" | "counter";

/** A numeric series. */
export interface SeriesSpec {
  readonly name: string;
  readonly type: SeriesType;
  readonly help: string;
  /** The label names every sample of the series carries. */
  readonly labels: readonly string[];
}

/**
 * A state: a value that is not a number (pool health, unit ActiveState, container health). On the
 * wire it is a StateRecord `{name, labels, state}`; in Prometheus text it is `name{labels,state="X"} 1`.
 */
export interface StateSpec {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  /** The values the state usually takes, for docs and the dashboard; others are still accepted. */
  readonly values?: readonly string[];
}

export interface CollectorCatalog<S extends Record<string, SeriesSpec>, T extends Record<string, StateSpec>> {
  readonly collector: string;
  readonly series: S;
  readonly states: T;
}

/** Declares a collector's catalog; the key names are what code refers to (`GPU.series.temperature.name`). */
export function defineCatalog<const S extends Record<string, SeriesSpec>, const T extends Record<string, StateSpec>>(
  catalog: CollectorCatalog<S, T>,
): CollectorCatalog<S, T> {
  return catalog;
}

/** `{ key: name }` of a catalog's series, for code that emits them (`M.cpuUsagePercent`). */
export function seriesNames<S extends Record<string, SeriesSpec>>(
  catalog: CollectorCatalog<S, Record<string, StateSpec>>,
): { [K in keyof S]: string } {
  return Object.fromEntries(Object.entries(catalog.series).map(([key, spec]) => [key, spec.name])) as { [K in keyof S]: string };
}
