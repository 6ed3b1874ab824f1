import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { UNITS_CATALOG } from "../../../shared/metrics/units.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { Observations } from "../collector.ts";
import type { UnitStatus } from "./unit-status.ts";

const M = seriesNames(UNITS_CATALOG);
const S = UNITS_CATALOG.states;

/**
 * The samples and states of one cycle, stamped `now`. Every unit gets its load, active and sub
 * states (a unit that does not exist is `vigil_unit_load_state` "not-found", not an error); the rest only
 * where systemd has them, and none for a unit that was not found (it has no result, restarts or exits).
 * `failedCount` is the host's failed-unit count, undefined when it was not asked for.
 */
export function unitObservations(statuses: readonly UnitStatus[], failedCount: number | undefined, now: number): Observations {
  const samples: NumericSample[] = [];
  const states: StateRecord[] = [];
  const sample = (name: string, value: number | undefined, labels: Record<string, string>) => {
    if (value !== undefined && Number.isFinite(value)) samples.push({ name, labels, timestamp: now, value });
  };
  const state = (name: string, value: string | undefined, labels: Record<string, string>) => {
    if (value !== undefined && value !== "") states.push({ name, labels, timestamp: now, state: value });
  };
  const ageSeconds = (at: number | undefined) => (at === undefined ? undefined : Math.max(0, now - at) / 1000);

  for (const status of statuses) {
    const labels = { unit: status.unit };
    state(S.loadState.name, status.loadState, labels);
    state(S.activeState.name, status.activeState, labels);
    state(S.subState.name, status.subState, labels);
    if (status.loadState === "not-found") continue;
    state(S.result.name, status.result, labels);
    state(S.unitFileState.name, status.unitFileState, labels);
    sample(M.restartsTotal, status.restarts, labels);
    sample(M.execMainStatus, status.execMainStatus, labels);
    sample(M.activeEnterAgeSeconds, ageSeconds(status.activeEnteredAt), labels);
    sample(M.execMainExitAgeSeconds, ageSeconds(status.execMainExitedAt), labels);
  }
  sample(M.failedUnits, failedCount, {});
  return { samples, states };
}
