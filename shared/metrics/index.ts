import type { SeriesSpec, StateSpec } from "./catalog.ts";
import { CONTAINERS_CATALOG } from "./containers.ts";
import { GPU_CATALOG } from "./gpu.ts";
import { PROBES_CATALOG } from "./probes.ts";
import { SYSTEM_CATALOG } from "./system.ts";
import { UNITS_CATALOG } from "./units.ts";
import { ZFS_CATALOG } from "./zfs.ts";

/** Every collector's catalog. Adding a collector adds its catalog here. */
export const CATALOGS = [SYSTEM_CATALOG, PROBES_CATALOG, UNITS_CATALOG, GPU_CATALOG, ZFS_CATALOG, CONTAINERS_CATALOG] as const;

/** Series and states by name, for /metrics HELP/TYPE lines and the hub's views. */
export const SERIES_BY_NAME: ReadonlyMap<string, SeriesSpec> = new Map(
  CATALOGS.flatMap((c) => Object.values(c.series as Record<string, SeriesSpec>).map((s) => [s.name, s] as const)),
);
export const STATES_BY_NAME: ReadonlyMap<string, StateSpec> = new Map(
  CATALOGS.flatMap((c) => Object.values(c.states as Record<string, StateSpec>).map((s) => [s.name, s] as const)),
);
