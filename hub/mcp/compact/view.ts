import { z } from "zod";
import type { HostView, ViewDetail } from "../../../shared/api/views.ts";
import { bounded, LIMITS } from "./bounded.ts";

const compactDetail = z.object({
  key: z.string(),
  labels: z.record(z.string(), z.string()),
  value: z.number().optional(),
  state: z.string().optional(),
});

export const compactEntity = z.object({
  id: z.string(),
  labels: z.record(z.string(), z.string()),
  updatedAt: z.int(),
  /** By catalog key (temperatureCelsius, capacityPercent): newest values, absent when not reported. */
  values: z.record(z.string(), z.number()),
  states: z.record(z.string(), z.string()),
  /** Only with details: true (a GPU's clocks and processes, a pool's vdevs). */
  details: z.array(compactDetail).optional(),
});
export type CompactEntity = z.infer<typeof compactEntity>;

export const compactView = z.object({
  entities: z.array(compactEntity),
  hostWide: z.array(compactDetail),
});
export type CompactView = z.infer<typeof compactView>;

/**
 * One typed view (GET /api/v1/hosts/:id/<view>) without per-value timestamps (one `updatedAt` per
 * entity says how fresh it is), entities and details capped. Pure.
 */
export function toCompactView(view: HostView, o: { details: boolean }, notes: string[]): CompactView {
  const entities = bounded(view.entities, LIMITS.entitiesPerView, `${view.view}`, notes, "ask with include: [one view]");
  return {
    entities: entities.map((e) => ({
      id: e.id,
      labels: e.labels,
      updatedAt: e.updatedAt,
      values: Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, v.value])),
      states: Object.fromEntries(Object.entries(e.states).map(([k, s]) => [k, s.state])),
      ...(o.details ? { details: bounded(e.details, LIMITS.detailsPerEntity, `${view.view} ${e.id} details`, notes).map(detail) } : {}),
    })),
    hostWide: bounded(view.hostWide, LIMITS.hostWide, `${view.view} host-wide records`, notes).map(detail),
  };
}

function detail(d: ViewDetail): z.infer<typeof compactDetail> {
  return {
    key: d.key,
    labels: d.labels,
    ...(d.value === undefined ? {} : { value: d.value }),
    ...(d.state === undefined ? {} : { state: d.state }),
  };
}
