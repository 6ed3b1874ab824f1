import type { Logger } from "../../shared/log/logger.ts";
import type { AgentConfig } from "../config/types.ts";
import type { Collector } from "./collector.ts";
import { createContainersCollector } from "./containers/index.ts";
import { createGpuCollector } from "./gpu/index.ts";
import { createProbesCollector } from "./probes/index.ts";
import type { ScheduledCollector } from "./scheduler.ts";
import { createSystemCollector } from "./system/index.ts";
import { createUnitsCollector } from "./units/index.ts";
import { createZfsCollector } from "./zfs/index.ts";

type CollectorsConfig = AgentConfig["collectors"];

/**
 * One factory per key of `collectors` in the config: a collector added to the config schema
 * without an entry here is a type error. Every collector config has `enabled`, `interval`, `timeout`.
 */
/** What a factory may use beside its config section. */
interface CollectorDeps {
  /** For what a collector reports outside its outcome (one runtime of several failing); absent in some tests. */
  logger: Logger | undefined;
}

const FACTORIES: { [K in keyof CollectorsConfig]: (config: CollectorsConfig[K], deps: CollectorDeps) => Collector } = {
  system: (config) => createSystemCollector({ excludeFsTypes: config.excludeFsTypes, excludeMountPrefixes: config.excludeMountPrefixes }),
  probes: (config) => createProbesCollector({ probes: config.probes }),
  units: (config) => createUnitsCollector(config),
  gpu: (config) =>
    createGpuCollector({ nvidiaSmiPath: config.nvidiaSmiPath, timeoutMs: config.timeout, processes: config.processes, xml: config.xml }),
  zfs: (config) => createZfsCollector(config),
  containers: (config, { logger }) =>
    createContainersCollector({
      ...config,
      onRuntimeChange: (change) => {
        if (change.status === "ok") logger?.info("container runtime answers again", { ...change });
        else logger?.warn(`container runtime ${change.status}`, { ...change });
      },
    }),
};

/** The enabled collectors, each with the interval and timeout its config section gives. */
export function createCollectors(config: AgentConfig, logger?: Logger): ScheduledCollector[] {
  const scheduled: ScheduledCollector[] = [];
  for (const name of Object.keys(FACTORIES) as (keyof CollectorsConfig)[]) {
    const section = config.collectors[name];
    if (!section.enabled) continue;
    scheduled.push({ collector: build(name, section, { logger }), intervalMs: section.interval, timeoutMs: section.timeout });
  }
  return scheduled;
}

/** Generic in the key, so TypeScript pairs each factory with its own section's type. */
function build<K extends keyof CollectorsConfig>(name: K, section: CollectorsConfig[K], deps: CollectorDeps): Collector {
  return FACTORIES[name](section, deps);
}
