import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { CONTAINERS_CATALOG } from "../../../shared/metrics/containers.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { Observations } from "../collector.ts";
import type { ContainerStatus } from "./container-status.ts";

const M = seriesNames(CONTAINERS_CATALOG);
const S = CONTAINERS_CATALOG.states;

/** How one runtime's cycle went: its containers, or why there are none to report. */
export type RuntimeReading =
  | { runtime: string; status: "ok"; containers: readonly ContainerStatus[] }
  | { runtime: string; status: "unavailable" | "error"; reason: string };

/** The observations of one cycle: each runtime's own up and status, and each container of the runtimes that answered. */
export function containerObservations(readings: readonly RuntimeReading[], timestamp: number): Observations {
  const samples: NumericSample[] = [];
  const states: StateRecord[] = [];
  const add = (name: string, value: number | undefined, labels: Record<string, string>) => {
    if (value !== undefined && Number.isFinite(value)) samples.push({ name, labels, timestamp, value });
  };
  for (const reading of readings) {
    const { runtime } = reading;
    add(M.runtimeUp, reading.status === "ok" ? 1 : 0, { runtime });
    states.push({ name: S.runtimeStatus.name, labels: { runtime }, timestamp, state: reading.status });
    if (reading.status !== "ok") continue;
    for (const c of reading.containers) {
      const labels = { runtime, name: c.name };
      add(M.info, 1, { ...labels, id: c.shortId, image: c.image });
      add(M.restartsTotal, c.restartCount, labels);
      add(M.exitCode, c.exitCode, labels);
      add(M.startTimeSeconds, c.startedAtSeconds, labels);
      add(M.oomKilled, c.oomKilled === undefined ? undefined : c.oomKilled ? 1 : 0, labels);
      add(M.healthFailingStreak, c.healthFailingStreak, labels);
      states.push({ name: S.state.name, labels, timestamp, state: c.state });
      states.push({ name: S.health.name, labels, timestamp, state: c.health });
    }
  }
  return { samples, states };
}
