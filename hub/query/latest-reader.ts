import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";

/** The store's reads of one host's newest values (HubStore implements it). */
export interface LatestReader {
  latestSamples(hostId: string): NumericSample[];
  latestStates(hostId: string): StateRecord[];
}
