import { z } from "zod";
import { duration } from "../../shared/config/schema-helpers.ts";

/** `ui`: the dashboard the hub serves at /ui/ (docs/dashboard.md). Who may read is `auth.viewerTokens`. */
export const uiConfigSchema = z.strictObject({
  /** Serve the dashboard. Off: /ui/ answers 404 and only the JSON API remains. */
  enabled: z.boolean().default(true),
  /** How often an open page asks the API again (pages in a background tab wait until shown). */
  refreshInterval: duration({ min: "1s", max: "5m" }).default(5_000),
});

export type UiConfig = z.infer<typeof uiConfigSchema>;
