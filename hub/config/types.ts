import type { z } from "zod";
import type { ResolvedSecrets } from "../../shared/config/load-config.ts";
import type { hubConfigSchema } from "./schema.ts";

/** The hub's configuration after loading: defaults applied, secrets resolved. */
export type HubConfig = ResolvedSecrets<z.infer<typeof hubConfigSchema>>;
