import type { Db } from "../../shared/sqlite/open-database.ts";
import { ActivityMetrics } from "./activity-metrics.ts";
import { registerProcessMetrics } from "./process-metrics.ts";
import { Registry } from "./prom-client-lib.ts";
import { type AgentState, registerStateMetrics } from "./state-metrics.ts";

/**
 * The agent's own metrics in one prom-client registry (docs/metrics.md): what happens (collector
 * cycles, pushes, actions: `activity`), what is at each scrape (outbox, push state, store size:
 * `watch`), and the process. Built at start so the counters and histograms see every event from
 * the first cycle; the host's collected series are not here but in the store, and /metrics writes
 * them beside this registry's text (render-metrics.ts).
 */
export class AgentSelfMetrics {
  readonly registry = new Registry();
  readonly activity = new ActivityMetrics(this.registry);
  #watching = false;

  constructor() {
    registerProcessMetrics(this.registry);
  }

  /** Registers the scrape-time metrics, reading `state` and the database; once (the /metrics route calls it). */
  watch(state: () => AgentState, db: Db): void {
    if (this.#watching) return;
    this.#watching = true;
    registerStateMetrics(this.registry, state, db);
  }

  /** The names of every family this registry writes, so no collected series is written under one of them twice. */
  familyNames(): Set<string> {
    return new Set(this.registry.getMetricsAsArray().map((m) => m.name));
  }
}
