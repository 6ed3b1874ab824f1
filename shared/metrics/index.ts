import type { SeriesSpec, StateSpec } from "./catalog.ts";
import { SYSTEM_CATALOG } from "./system.ts";

/** Every collector's catalog. Adding a collector adds its catalog here. */
export const CATALOGS = [SYSTEM_CATALOG] as const;

/** Series and states by name, for /metrics HELP/TYPE lines and the hub's views. */
export const SERIES_BY_NAME: ReadonlyMap<string, SeriesSpec> = new Map(
  CATALOGS.flatMap((c) => Object.values(c.series as Record<string, SeriesSpec>).map((s) => [s.name, s] as const)),
);
export const STATES_BY_NAME: ReadonlyMap<string, StateSpec> = new Map(
  CATALOGS.flatMap((c) => Object.values(c.states as Record<string, StateSpec>).map((s) => [s.name, s] as const)),
);
