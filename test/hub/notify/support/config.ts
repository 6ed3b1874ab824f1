import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadHubConfig } from "../../../../hub/config/load.ts";
import type { HubConfig } from "../../../../hub/config/types.ts";

/** Writes `content` as the hub's YAML config file in `dir` and loads it as the hub would. */
export function hubConfigFile(
  dir: string,
  content: Record<string, unknown>,
  env: Record<string, string> = {},
): { config: HubConfig; file: string } {
  const file = join(dir, "hub.yaml");
  writeFileSync(file, stringify(content));
  const { config } = loadHubConfig({ configFile: file, env });
  return { config, file };
}
