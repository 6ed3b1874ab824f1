import type { SeriesSpec, StateSpec } from "../../shared/metrics/catalog.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import type { MetricFamily } from "./exposition.ts";

export interface Catalog {
  series: ReadonlyMap<string, SeriesSpec>;
  states: ReadonlyMap<string, StateSpec>;
}

const UNCATALOGUED = "Not in Vigil's metric catalog (shared/metrics/).";

/**
 * The latest samples as families, one per name, with HELP and TYPE from the shared catalogs. A name
 * the catalogs do not hold is still shown, as `untyped`, rather than hidden.
 */
export function sampleFamilies(samples: readonly NumericSample[], catalog: Catalog): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const s of samples) {
    let family = byName.get(s.name);
    if (!family) {
      const spec = catalog.series.get(s.name);
      family = { name: s.name, help: spec?.help ?? UNCATALOGUED, type: spec?.type ?? "untyped", series: [] };
      byName.set(s.name, family);
    }
    family.series.push({ labels: s.labels, value: s.value });
  }
  return [...byName.values()];
}

/**
 * States one-hot, as node_exporter shows systemd unit states: `name{labels...,state="DEGRADED"} 1`,
 * one line for the current state only. The state goes in a label named `state`, or `vigil_state` when
 * the record already has a `state` label, so no label is ever overwritten.
 */
export function stateFamilies(states: readonly StateRecord[], catalog: Catalog): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const s of states) {
    let family = byName.get(s.name);
    if (!family) {
      family = { name: s.name, help: catalog.states.get(s.name)?.help ?? UNCATALOGUED, type: "gauge", series: [] };
      byName.set(s.name, family);
    }
    family.series.push({ labels: { ...s.labels, [stateLabel(s.labels)]: s.state }, value: 1 });
  }
  return [...byName.values()];
}

export function stateLabel(labels: Readonly<Record<string, string>>): string {
  let name = "state";
  if (Object.hasOwn(labels, name)) name = "vigil_state";
  while (Object.hasOwn(labels, name)) name = `${name}_`;
  return name;
}
