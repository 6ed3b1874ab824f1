import { type EnvOverride, loadConfig } from "../../shared/config/load-config.ts";
import { TELEMETRY_ENV_OVERRIDES } from "../../shared/telemetry/config.ts";
import { hubConfigSchema } from "./schema.ts";
import type { HubConfig } from "./types.ts";

/** Environment variables that override the hub's config file (documented in docs/configuration.md). */
export const HUB_ENV_OVERRIDES: EnvOverride[] = [
  { name: "VIGIL_HUB_LISTEN", path: ["listen"], type: "string" },
  { name: "VIGIL_DATA_DIR", path: ["dataDir"], type: "string" },
  { name: "VIGIL_PUBLIC_URL", path: ["publicUrl"], type: "string" },
  { name: "VIGIL_AGENT_TOKENS", path: ["auth", "agentTokens"], type: "list" },
  { name: "VIGIL_ENROLLMENT_TOKENS", path: ["auth", "enrollmentTokens"], type: "list" },
  { name: "VIGIL_ADMIN_TOKENS", path: ["auth", "adminTokens"], type: "list" },
  { name: "VIGIL_LOG_LEVEL", path: ["log", "level"], type: "string" },
  ...TELEMETRY_ENV_OVERRIDES,
];

/** Loads the hub config: `--config`, else $VIGIL_HUB_CONFIG, else defaults only. */
export function loadHubConfig(opts: { configFile: string | undefined; env: Readonly<Record<string, string | undefined>> }): {
  config: HubConfig;
  file: string | undefined;
} {
  const file = opts.configFile ?? opts.env.VIGIL_HUB_CONFIG;
  return loadConfig({ schema: hubConfigSchema, file, fileRequired: file !== undefined, envOverrides: HUB_ENV_OVERRIDES, env: opts.env });
}
