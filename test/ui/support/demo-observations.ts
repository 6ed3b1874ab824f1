import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { loadAgentConfig } from "../../../agent/config/load.ts";
import type { HostSummary } from "../../../shared/api/hosts.ts";
import { HOST_VIEWS, type HostView } from "../../../shared/api/views.ts";
import { CATALOGS } from "../../../shared/metrics/index.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import { buildEntityView } from "../../../hub/query/entity-view.ts";
import type { DemoHost } from "../../../scripts/demo-hosts.ts";

export const T0 = 1_795_450_000_000;

/**
 * One cycle of every collector of a demo host, in this process: the host's fake tools print the
 * recorded outputs, and the agent's own collectors (built from the same agent.yaml the demo writes)
 * turn them into samples and states. What the hub would hold as that host's latest values.
 */
export async function collectDemoHost(host: DemoHost, dir: string): Promise<{ samples: NumericSample[]; states: StateRecord[] }> {
  const yaml = join(dir, "agent.yaml");
  // The probes ask a hub that is not there (a closed port): they report a failure, quickly.
  writeFileSync(
    yaml,
    `agent: { id: ${host.id} }\ndataDir: ${join(dir, "data")}\n${host.prepare({ dir, hubUrl: "http://127.0.0.1:9", interval: "1s" }, undefined)}`,
  );
  const { config } = loadAgentConfig({ configFile: yaml, env: {} });
  const samples: NumericSample[] = [];
  const states: StateRecord[] = [];
  for (const { collector } of createCollectors(config)) {
    const outcome = await collector.collect({ now: T0, signal: AbortSignal.timeout(10_000) });
    if (outcome.kind === "ok") {
      samples.push(...outcome.samples);
      states.push(...outcome.states);
    }
  }
  return { samples, states };
}

export function hostSummary(id: string, over: Partial<HostSummary> = {}): HostSummary {
  return {
    id,
    hostname: id,
    labels: { demo: "true" },
    agentVersion: "0.1.0",
    bootId: "b",
    firstSeen: T0 - 60_000,
    lastSeen: T0,
    pushIntervalMs: 1000,
    status: "up",
    lastSequence: 1,
    mode: "push",
    ...over,
  };
}

/** GET /api/v1/hosts/:id/<view> as the hub builds it from these latest values. */
export function viewOf(
  path: (typeof HOST_VIEWS)[number]["path"],
  host: HostSummary,
  samples: NumericSample[],
  states: StateRecord[],
): HostView {
  const spec = HOST_VIEWS.find((v) => v.path === path);
  if (!spec) throw new Error(`no view ${path}`);
  const built = buildEntityView(
    spec,
    CATALOGS.find((c) => c.collector === spec.collector),
    samples,
    states,
  );
  return { host, view: spec.path, collector: spec.collector, entityLabel: spec.entityLabel, ...built };
}
