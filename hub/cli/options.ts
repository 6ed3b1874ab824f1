import type { ParseArgsOptionsConfig } from "node:util";
import { DEFAULT_HUB_URL, DEFAULT_TIMEOUT_MS } from "./config.ts";
import { formatDuration } from "./format.ts";

/** Flags every command accepts, before or after the command name. */
export const GLOBAL_OPTIONS = {
  hub: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const satisfies ParseArgsOptionsConfig;

/** `vigil --help` lines for GLOBAL_OPTIONS: [flag, description]. */
export const GLOBAL_OPTION_HELP: ReadonlyArray<readonly [string, string]> = [
  ["--hub <url>", `URL of the hub (default ${DEFAULT_HUB_URL}; env VIGIL_HUB_URL)`],
  ["--token <token>", "bearer token for the hub's API (env VIGIL_TOKEN)"],
  ["--json", "print the hub's JSON instead of text"],
  ["--timeout <duration>", `limit for each request to the hub, e.g. 500ms, 30s (default ${formatDuration(DEFAULT_TIMEOUT_MS)})`],
  ["-h, --help", "show this help; 'vigil help <command>' for one command"],
  ["-V, --version", "print vigil's version"],
];
