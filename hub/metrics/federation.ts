import type { SeriesSpec, StateSpec } from "../../shared/metrics/catalog.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import { escapeLabelValue, familyHeader, formatValue } from "./exposition.ts";

/**
 * Series older than this, measured back from the newest value of the same host, are not exported:
 * a removed container or GPU must not stay in Prometheus forever. Five minutes is Prometheus's own
 * lookback delta, the window its /federate endpoint exports from.
 */
export const FEDERATION_LOOKBACK_MS = 5 * 60_000;

/** The label added to every federated sample: the agent id. */
export const AGENT_LABEL = "agent";

export interface FederatedHost {
  id: string;
  status: "up" | "down";
  samples: readonly NumericSample[];
  states: readonly StateRecord[];
}

export interface FederationCatalog {
  series: ReadonlyMap<string, SeriesSpec>;
  states: ReadonlyMap<string, StateSpec>;
}

interface Family {
  kind: "series" | "state";
  type: string;
  help: string;
  /** Sample lines, already written: hosts in the order given, each host's records in the store's order. */
  lines: string[];
}

/**
 * Every up host's latest values in Prometheus text, the way Prometheus's /federate exports them:
 * each sample with its own timestamp, an `agent` label added (a label of that name already on the
 * sample becomes `exported_agent`, as Prometheus renames clashing labels), HELP and TYPE from the
 * shared catalogs (`untyped` for a name the catalog lacks). States become `name{...,state="X"} 1`.
 * Hosts that are down export nothing here (vigil_hub_host_up says they are down); on up hosts,
 * values older than FEDERATION_LOOKBACK_MS behind the host's newest are left out. Families whose
 * name is in `reserved` (the hub's own metrics) are skipped. Yields "" after each host, then one
 * family at a time, sorted by name, so a caller can give the event loop a turn in between.
 */
export function* federationFamilies(
  hosts: readonly FederatedHost[],
  catalog: FederationCatalog,
  reserved: ReadonlySet<string>,
): Generator<string, void, undefined> {
  const families = new Map<string, Family>();
  // A name used by the hub itself, or by a series and a state at once, keeps its first meaning.
  const family = (name: string, kind: Family["kind"], type: string, help: string): Family | undefined => {
    if (reserved.has(name)) return undefined;
    let f = families.get(name);
    if (!f) {
      f = { kind, type, help, lines: [] };
      families.set(name, f);
    }
    return f.kind === kind ? f : undefined;
  };

  for (const host of hosts) {
    if (host.status !== "up") continue;
    let newest = 0;
    for (const s of host.samples) newest = Math.max(newest, s.timestamp);
    for (const s of host.states) newest = Math.max(newest, s.timestamp);
    const oldest = newest - FEDERATION_LOOKBACK_MS;
    const agent = `${AGENT_LABEL}="${escapeLabelValue(host.id)}"`;
    for (const s of host.samples) {
      if (s.timestamp < oldest) continue;
      const spec = catalog.series.get(s.name);
      const f = family(s.name, "series", spec?.type ?? "untyped", spec?.help ?? UNKNOWN_HELP);
      f?.lines.push(`${s.name}{${agent}${ownLabels(s.labels, false)}} ${formatValue(s.value)} ${s.timestamp}\n`);
    }
    for (const s of host.states) {
      if (s.timestamp < oldest) continue;
      const spec = catalog.states.get(s.name);
      const f = family(s.name, "state", "gauge", spec?.help ?? UNKNOWN_HELP);
      const state = `state="${escapeLabelValue(s.state)}"`;
      f?.lines.push(`${s.name}{${agent},${state}${ownLabels(s.labels, true)}} 1 ${s.timestamp}\n`);
    }
    yield "";
  }

  for (const name of [...families.keys()].sort()) {
    const f = families.get(name) as Family;
    if (f.lines.length > 0) yield familyHeader(name, f.type, f.help) + f.lines.join("");
  }
}

/** The whole federation text at once (tests, small fleets). */
export function renderFederation(hosts: readonly FederatedHost[], catalog: FederationCatalog, reserved: ReadonlySet<string>): string {
  return [...federationFamilies(hosts, catalog, reserved)].join("");
}

const UNKNOWN_HELP = "Not in this hub's metric catalog (sent by a newer agent?).";

/**
 * `,k="v"` for each of the record's own labels; a name the hub adds (`agent`, and `state` on a
 * state) is prefixed `exported_` until it is free, as Prometheus does with clashing labels.
 */
function ownLabels(labels: Readonly<Record<string, string>>, isState: boolean): string {
  let out = "";
  const renamed: string[] = [];
  for (const k in labels) {
    let name = k;
    if (k === AGENT_LABEL || (isState && k === "state")) {
      const taken = new Set([AGENT_LABEL, "state", ...Object.keys(labels), ...renamed]);
      do name = `exported_${name}`;
      while (taken.has(name));
      renamed.push(name);
    }
    out += `,${name}="${escapeLabelValue(labels[k] as string)}"`;
  }
  return out;
}
