import { z } from "zod";
import { hostIdentity } from "../protocol/identity.ts";
import { timestampMs } from "../protocol/primitives.ts";
import { numericSample, stateRecord } from "../protocol/samples.ts";

/** One host as the hub's API shows it: GET /api/v1/hosts and /api/v1/hosts/:id. */
export const hostSummary = z.object({
  id: z.string(),
  hostname: z.string(),
  labels: z.record(z.string(), z.string()),
  agentVersion: z.string(),
  bootId: z.string(),
  firstSeen: timestampMs,
  lastSeen: timestampMs,
  pushIntervalMs: z.int().positive(),
  /** `down` once no batch arrived for `hosts.downAfterMissedPushes` push intervals. */
  status: z.enum(["up", "down"]),
  lastSequence: z.int().nonnegative(),
  /** `pull` when the hub scrapes the agent (pull.agents), else `push`; absent from hubs before 0.2. */
  mode: z.enum(["push", "pull"]).optional(),
});
export type HostSummary = z.infer<typeof hostSummary>;

export const hostList = z.object({ hosts: z.array(hostSummary) });
export type HostList = z.infer<typeof hostList>;

/** GET /api/v1/hosts/:id/latest: the newest value of every series and state of one host. */
export const hostLatest = z.object({
  host: hostSummary,
  samples: z.array(numericSample),
  states: z.array(stateRecord),
});
export type HostLatest = z.infer<typeof hostLatest>;

export { hostIdentity };
