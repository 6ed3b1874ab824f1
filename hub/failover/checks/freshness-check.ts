import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import { evaluateFreshness } from "./freshness.ts";
import type { CheckContext, CheckResult, HealthCheck } from "./health-check.ts";

/** What the freshness check reads of the hub: the registry's view of a host, and its newest values. */
export interface HostReadings {
  host(id: string, now: number): { status: "up" | "down"; lastSeen: number } | undefined;
  latestSamples(id: string): NumericSample[];
  latestStates(id: string): StateRecord[];
}

/** A job's output age from its agent's freshness probe (agent collectors.probes), as evaluated by evaluateFreshness. */
export class FreshnessCheck implements HealthCheck {
  readonly #o: { probe: string; hostId: string; maxAgeMs: number | undefined; readings: HostReadings };

  constructor(o: { probe: string; hostId: string; maxAgeMs: number | undefined; readings: HostReadings }) {
    this.#o = o;
  }

  async run(ctx: CheckContext): Promise<CheckResult> {
    const { probe, hostId, maxAgeMs, readings } = this.#o;
    return evaluateFreshness({
      probe,
      hostId,
      host: readings.host(hostId, ctx.now),
      samples: readings.latestSamples(hostId),
      states: readings.latestStates(hostId),
      maxAgeMs,
      now: ctx.now,
      active: ctx.active,
      activeSince: ctx.activeSince,
    });
  }
}
