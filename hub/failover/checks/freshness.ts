import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import { type CheckResult, fail, pass } from "./health-check.ts";

const AGE = PROBES_CATALOG.series.freshnessAgeSeconds.name;
const MAX_AGE = PROBES_CATALOG.series.freshnessMaxAgeSeconds.name;
const STATUS = PROBES_CATALOG.states.status.name;
const MESSAGE = PROBES_CATALOG.states.message.name;

export interface FreshnessInput {
  probe: string;
  hostId: string;
  /** The reporting host in the registry; undefined when it never reported. */
  host: { status: "up" | "down"; lastSeen: number } | undefined;
  /** The host's newest values (the hub's latest table). */
  samples: readonly NumericSample[];
  states: readonly StateRecord[];
  /** The check's maxAge; else the probe's own (vigil_freshness_max_age_seconds). */
  maxAgeMs: number | undefined;
  now: number;
  active: boolean;
  activeSince: number;
}

/**
 * Whether a job member's output is fresh, from its agent's freshness probe as the hub last heard it.
 *
 * - A host that is down (or never reported) fails: nothing it says can be trusted as current.
 * - A standby member passes while its host is up: its job does not run while it is not active, so the
 *   age of its output says nothing about whether it could take over.
 * - The active member's output age is the probe's last reading plus the time since that reading (an
 *   agent that stopped reporting does not freeze the age), and a member counts its age from when it
 *   became active at the latest: a job that just took over has maxAge to write its first output.
 */
export function evaluateFreshness(i: FreshnessInput): CheckResult {
  if (i.host === undefined) return fail(`host ${i.hostId} has never reported to the hub`);
  if (i.host.status === "down") return fail(`host ${i.hostId} is down (last report ${seconds(i.now - i.host.lastSeen)} s ago)`);
  if (!i.active) return pass(`standby; host ${i.hostId} is up`);
  const mine = (name: string) => (s: { name: string; labels: Record<string, string> }) => s.name === name && s.labels.probe === i.probe;
  const maxSample = i.samples.find(mine(MAX_AGE));
  const maxAgeMs = i.maxAgeMs ?? (maxSample === undefined ? undefined : maxSample.value * 1000);
  if (maxAgeMs === undefined) return fail(`host ${i.hostId} reports no probe "${i.probe}" (and the check sets no maxAge)`);
  const sinceActive = i.now - i.activeSince;
  const ageSample = i.samples.find(mine(AGE));
  if (ageSample === undefined) {
    if (sinceActive < maxAgeMs) return pass(`active for ${seconds(sinceActive)} s, no output yet (max ${seconds(maxAgeMs)} s)`);
    return fail(`host ${i.hostId} reports no age for probe "${i.probe}"${probeSays(i.states, i.probe)}`);
  }
  const age = Math.min(ageSample.value * 1000 + (i.now - ageSample.timestamp), sinceActive);
  if (age <= maxAgeMs) return pass(`output ${seconds(age)} s old (max ${seconds(maxAgeMs)} s)`);
  return fail(`output ${seconds(age)} s old, over ${seconds(maxAgeMs)} s${probeSays(i.states, i.probe)}`);
}

/** The probe's own words when its last check did not pass for a reason other than the age. */
function probeSays(states: readonly StateRecord[], probe: string): string {
  const status = states.find((s) => s.name === STATUS && s.labels.probe === probe)?.state;
  if (status === undefined || status === "ok" || status === "stale") return "";
  const message = states.find((s) => s.name === MESSAGE && s.labels.probe === probe)?.state;
  return `; the probe says ${status}${message === undefined ? "" : `: ${message}`}`;
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
