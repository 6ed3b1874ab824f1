import { z } from "zod";

/** Settings every channel has, spread into each channel's own schema. */
export const channelBaseFields = {
  /** Also notify when an alert resolves (Alertmanager's send_resolved). */
  sendResolved: z.boolean().default(true),
};
