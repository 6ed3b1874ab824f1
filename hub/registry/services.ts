import type { Db } from "../../shared/sqlite/open-database.ts";
import { AgentCredentials } from "../auth/agent-credentials.ts";
import { TokenStore } from "../auth/token-store.ts";
import type { HubConfig } from "../config/types.ts";
import { HubMetrics } from "../metrics/hub-metrics.ts";
import type { TargetState } from "../pull/puller.ts";
import { HostRegistry } from "./host-registry.ts";

/** The hub's parts around hosts: issued tokens, agent credentials, the registry, the hub's own metrics. */
export interface RegistryServices {
  tokens: TokenStore;
  credentials: AgentCredentials;
  registry: HostRegistry;
  metrics: HubMetrics;
}

export interface RegistryServicesOptions {
  db: Db;
  config: Pick<HubConfig, "auth" | "hosts" | "pull">;
  now: () => number;
  notificationQueueDepth?: () => number;
  pullStates?: () => TargetState[];
  /** process_* and nodejs_* metrics: on in the running hub, off for apps built in tests. */
  processMetrics?: boolean;
}

export function createRegistryServices(o: RegistryServicesOptions): RegistryServices {
  const tokens = new TokenStore(o.db);
  const credentials = new AgentCredentials({ auth: o.config.auth, tokens });
  const registry = new HostRegistry({
    db: o.db,
    downAfterMissed: o.config.hosts.downAfterMissedPushes,
    pullIntervals: new Map(o.config.pull.agents.map((a) => [a.id, o.config.pull.interval])),
  });
  const metrics = new HubMetrics({
    db: o.db,
    hosts: (now) => registry.list(now),
    now: o.now,
    ...(o.notificationQueueDepth ? { notificationQueueDepth: o.notificationQueueDepth } : {}),
    ...(o.pullStates ? { pullStates: o.pullStates } : {}),
    processMetrics: o.processMetrics ?? false,
  });
  return { tokens, credentials, registry, metrics };
}
