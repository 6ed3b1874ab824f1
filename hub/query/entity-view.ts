import type { HostViewSpec, ViewDetail, ViewEntity } from "../../shared/api/views.ts";
import type { SeriesSpec, StateSpec } from "../../shared/metrics/catalog.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";

/** The part of a collector catalog a view needs. */
export interface ViewCatalog {
  readonly collector: string;
  readonly series: Readonly<Record<string, SeriesSpec>>;
  readonly states: Readonly<Record<string, StateSpec>>;
}

type Rec =
  | { kind: "value"; key: string; name: string; labels: Record<string, string>; timestamp: number; value: number }
  | {
      kind: "state";
      key: string;
      name: string;
      labels: Record<string, string>;
      timestamp: number;
      state: string;
    };

/**
 * Groups one host's newest samples and states of one catalog by the view's entity label (pure).
 * Records of other catalogs are ignored; records of this one without the entity label are hostWide.
 * Entities are sorted by id with numbers in numeric order ("2" before "10").
 */
export function buildEntityView(
  spec: Pick<HostViewSpec, "entityLabel" | "attributes">,
  catalog: ViewCatalog | undefined,
  samples: readonly NumericSample[],
  states: readonly StateRecord[],
): { entities: ViewEntity[]; hostWide: ViewDetail[] } {
  if (!catalog) return { entities: [], hostWide: [] };
  const seriesKeys = new Map(Object.entries(catalog.series).map(([key, s]) => [s.name, key]));
  const stateKeys = new Map(Object.entries(catalog.states).map(([key, s]) => [s.name, key]));
  const records: Rec[] = [];
  for (const s of samples) {
    const key = seriesKeys.get(s.name);
    if (key !== undefined) records.push({ kind: "value", key, name: s.name, labels: s.labels, timestamp: s.timestamp, value: s.value });
  }
  for (const s of states) {
    const key = stateKeys.get(s.name);
    if (key !== undefined) records.push({ kind: "state", key, name: s.name, labels: s.labels, timestamp: s.timestamp, state: s.state });
  }

  const own = new Set<string>([spec.entityLabel, ...spec.attributes]);
  const entities = new Map<string, ViewEntity>();
  const hostWide: ViewDetail[] = [];
  for (const r of records) {
    const id = r.labels[spec.entityLabel];
    if (id === undefined) {
      hostWide.push(detail(r, r.labels));
      continue;
    }
    let e = entities.get(id);
    if (!e) {
      e = { id, labels: {}, updatedAt: r.timestamp, values: {}, states: {}, details: [] };
      entities.set(id, e);
    }
    e.updatedAt = Math.max(e.updatedAt, r.timestamp);
    const extra = Object.entries(r.labels).filter(([k]) => !own.has(k));
    if (extra.length > 0) {
      e.details.push(detail(r, Object.fromEntries(extra)));
      continue;
    }
    for (const a of spec.attributes) if (r.labels[a] !== undefined) e.labels[a] = r.labels[a];
    if (r.kind === "value") e.values[r.key] = { value: r.value, timestamp: r.timestamp };
    else e.states[r.key] = { state: r.state, timestamp: r.timestamp };
  }
  for (const e of entities.values()) e.details.sort(byKeyThenLabels);
  hostWide.sort(byKeyThenLabels);
  return { entities: [...entities.values()].sort((a, b) => COLLATOR.compare(a.id, b.id)), hostWide };
}

const COLLATOR = new Intl.Collator("en", { numeric: true });

function detail(r: Rec, labels: Record<string, string>): ViewDetail {
  const base = { key: r.key, name: r.name, labels, timestamp: r.timestamp };
  return r.kind === "value" ? { ...base, value: r.value } : { ...base, state: r.state };
}

function byKeyThenLabels(a: ViewDetail, b: ViewDetail): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return COLLATOR.compare(JSON.stringify(a.labels), JSON.stringify(b.labels));
}
