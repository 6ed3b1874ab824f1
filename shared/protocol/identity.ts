import { z } from "zod";
import { agentId, labels } from "./primitives.ts";

/** Who sent a batch: stable agent id, the host it runs on, and the current kernel boot. */
export const hostIdentity = z.object({
  agentId,
  hostname: z.string().min(1).max(253),
  labels: labels.default({}),
  agentVersion: z.string().min(1).max(64),
  /** Linux boot id (/proc/sys/kernel/random/boot_id); changes on every reboot. */
  bootId: z.string().min(1).max(64),
});
export type HostIdentity = z.infer<typeof hostIdentity>;
