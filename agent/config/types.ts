import type { z } from "zod";
import type { ResolvedSecrets } from "../../shared/config/load-config.ts";
import type { agentConfigSchema } from "./schema.ts";

/** The agent's configuration after loading: defaults applied, durations in milliseconds, secrets resolved. */
export type AgentConfig = ResolvedSecrets<z.infer<typeof agentConfigSchema>>;
