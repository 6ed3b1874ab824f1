import { type EnvOverride, loadConfig } from "../../shared/config/load-config.ts";
import { TELEMETRY_ENV_OVERRIDES } from "../../shared/telemetry/config.ts";
import { agentConfigSchema } from "./schema.ts";
import type { AgentConfig } from "./types.ts";

/** Environment variables that override the agent's config file (documented in docs/configuration.md). */
export const AGENT_ENV_OVERRIDES: EnvOverride[] = [
  { name: "VIGIL_AGENT_ID", path: ["agent", "id"], type: "string" },
  { name: "VIGIL_DATA_DIR", path: ["dataDir"], type: "string" },
  { name: "VIGIL_AGENT_LISTEN", path: ["listen"], type: "string" },
  { name: "VIGIL_HUB_URL", path: ["hub", "url"], type: "string" },
  { name: "VIGIL_AGENT_TOKEN", path: ["hub", "token"], type: "string" },
  { name: "VIGIL_ENROLLMENT_TOKEN", path: ["hub", "enrollmentToken"], type: "string" },
  { name: "VIGIL_HUB_MODE", path: ["hub", "mode"], type: "string" },
  { name: "VIGIL_PUSH_INTERVAL", path: ["hub", "pushInterval"], type: "string" },
  { name: "VIGIL_COLLECT_INTERVAL", path: ["collectors", "system", "interval"], type: "string" },
  { name: "VIGIL_LOG_LEVEL", path: ["log", "level"], type: "string" },
  ...TELEMETRY_ENV_OVERRIDES,
];

/** Loads the agent config: `--config`, else $VIGIL_AGENT_CONFIG, else defaults only. */
export function loadAgentConfig(opts: { configFile: string | undefined; env: Readonly<Record<string, string | undefined>> }): {
  config: AgentConfig;
  file: string | undefined;
} {
  const file = opts.configFile ?? opts.env.VIGIL_AGENT_CONFIG;
  return loadConfig({
    schema: agentConfigSchema,
    file,
    fileRequired: file !== undefined,
    envOverrides: AGENT_ENV_OVERRIDES,
    env: opts.env,
  });
}
