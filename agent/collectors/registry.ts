import type { AgentConfig } from "../config/types.ts";
import type { Collector } from "./collector.ts";
import type { ScheduledCollector } from "./scheduler.ts";
import { createSystemCollector } from "./system/index.ts";

type CollectorsConfig = AgentConfig["collectors"];

/**
 * One factory per key of `collectors` in the config: a collector added to the config schema
 * without an entry here is a type error. Every collector config has `enabled`, `interval`, `timeout`.
 */
const FACTORIES: { [K in keyof CollectorsConfig]: (config: CollectorsConfig[K]) => Collector } = {
  system: (config) => createSystemCollector({ excludeFsTypes: config.excludeFsTypes, excludeMountPrefixes: config.excludeMountPrefixes }),
};

/** The enabled collectors, each with the interval and timeout its config section gives. */
export function createCollectors(config: AgentConfig): ScheduledCollector[] {
  const scheduled: ScheduledCollector[] = [];
  for (const name of Object.keys(FACTORIES) as (keyof CollectorsConfig)[]) {
    const section = config.collectors[name];
    if (!section.enabled) continue;
    scheduled.push({ collector: FACTORIES[name](section), intervalMs: section.interval, timeoutMs: section.timeout });
  }
  return scheduled;
}
