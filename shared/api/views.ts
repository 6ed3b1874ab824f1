import { z } from "zod";
import { labels, timestampMs } from "../protocol/primitives.ts";
import { hostSummary } from "./hosts.ts";

/**
 * The typed views of one host: GET /api/v1/hosts/:id/<path> groups the newest samples and states of
 * one collector's catalog (shared/metrics/<collector>.ts) by its entity label. A record whose labels
 * are only the entity label and its `attributes` describes the entity itself (a GPU's temperature);
 * one with more labels is a detail of it (one clock of the GPU, one vdev of the pool). Adding a
 * view for a new collector is one line here.
 */
export const HOST_VIEWS = [
  { path: "gpus", title: "GPUs", collector: "gpu", entityLabel: "gpu", attributes: ["uuid", "name"] },
  { path: "pools", title: "Pools", collector: "zfs", entityLabel: "pool", attributes: [] },
  { path: "containers", title: "Containers", collector: "containers", entityLabel: "name", attributes: ["runtime", "id", "image"] },
  { path: "units", title: "Units", collector: "units", entityLabel: "unit", attributes: [] },
  { path: "probes", title: "Probes", collector: "probes", entityLabel: "probe", attributes: ["kind"] },
] as const satisfies ReadonlyArray<HostViewSpec>;

export interface HostViewSpec {
  /** The URL segment after /api/v1/hosts/:id/. */
  path: string;
  /** How `vigil host` heads the table. */
  title: string;
  /** The catalog's `collector`. */
  collector: string;
  /** The label whose value names one entity (one GPU, one pool, ...). */
  entityLabel: string;
  /** Labels that describe the entity as a whole and so do not make a record a detail. */
  attributes: readonly string[];
}

export type HostViewPath = (typeof HOST_VIEWS)[number]["path"];

const timedValue = z.object({ value: z.number(), timestamp: timestampMs });
const timedState = z.object({ state: z.string(), timestamp: timestampMs });

/** A record beyond the entity's own: `labels` holds only the labels that set it apart (clock, vdev, model). */
export const viewDetail = z.object({
  /** The catalog key (`clockHertz`) and the series or state name (`vigil_gpu_clock_hertz`). */
  key: z.string(),
  name: z.string(),
  labels,
  timestamp: timestampMs,
  value: z.number().optional(),
  state: z.string().optional(),
});
export type ViewDetail = z.infer<typeof viewDetail>;

export const viewEntity = z.object({
  /** The entity label's value: "0" for the first GPU, "nvme-fast" for a pool. */
  id: z.string(),
  /** The attribute labels (a GPU's uuid and name). */
  labels,
  /** The newest timestamp of any of its records (agent clock). */
  updatedAt: timestampMs,
  /** By catalog key: `values.temperatureCelsius`, `states.health`. */
  values: z.record(z.string(), timedValue),
  states: z.record(z.string(), timedState),
  details: z.array(viewDetail),
});
export type ViewEntity = z.infer<typeof viewEntity>;

export const hostView = z.object({
  host: hostSummary,
  view: z.string(),
  collector: z.string(),
  entityLabel: z.string(),
  entities: z.array(viewEntity),
  /** Records of the catalog that belong to no entity (the ARC, the count of failed units). */
  hostWide: z.array(viewDetail),
});
export type HostView = z.infer<typeof hostView>;
