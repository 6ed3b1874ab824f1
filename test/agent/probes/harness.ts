import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Observations } from "../../../agent/collectors/collector.ts";
import type { ProbeConfig } from "../../../agent/collectors/probes/config.ts";
import { createProbesCollector, type ProbesCollectorOptions } from "../../../agent/collectors/probes/index.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";

/**
 * Probe configs as the agent gets them: `collectors.probes.probes` written to a config file in `dir`
 * and read by the real loader (defaults applied, durations in ms, header secrets resolved from `env`).
 */
export function loadProbes(dir: string, probes: unknown[], env: Record<string, string> = {}): ProbeConfig[] {
  const file = join(dir, "agent.yaml");
  // JSON is YAML: no quoting rules to get wrong in the test.
  writeFileSync(file, JSON.stringify({ collectors: { probes: { probes } } }));
  return loadConfig({ schema: agentConfigSchema, file, fileRequired: true, envOverrides: [], env }).config.collectors.probes.probes;
}

/** One cycle of a probes collector; fails the test unless the cycle is "ok". */
export async function collectOnce(options: ProbesCollectorOptions, now = Date.now()): Promise<Observations> {
  const outcome = await createProbesCollector(options).collect({ now, signal: new AbortController().signal });
  if (outcome.kind !== "ok") throw new Error(`expected an ok cycle, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(obs: Observations, name: string, labels: Record<string, string>): number | undefined {
  const found = obs.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `samples named ${name} with ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

/** The state of the one record named `name` whose labels include `labels`. */
export function stateValue(obs: Observations, name: string, labels: Record<string, string>): string | undefined {
  const found = obs.states.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `states named ${name} with ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.state;
}

/** `{status, message, up}` of one probe, the three things a person looks at first. */
export function outcomeOf(obs: Observations, probe: string) {
  return {
    up: sampleValue(obs, "vigil_probe_up", { probe }),
    status: stateValue(obs, "vigil_probe_status", { probe }),
    message: stateValue(obs, "vigil_probe_message", { probe }),
  };
}
