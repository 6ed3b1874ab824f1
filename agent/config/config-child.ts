import { ConfigError } from "../../shared/config/config-error.ts";
import { loadAgentConfig } from "./load.ts";
import { toTransferable } from "./transferable.ts";

/**
 * The config child's body (see load-in-child.ts): loads zod, yaml and every config schema, loads and
 * validates the config named by its one argument (none: $VIGIL_AGENT_CONFIG or the defaults, with its
 * own environment as the agent's), and prints the answer as one JSON document on stdout. A ConfigError
 * travels as its source and issues so the agent can rebuild it with the same message.
 */
export type ChildAnswer =
  | { ok: true; config: unknown; file: string | undefined }
  | { ok: false; configError: { source: string; issues: ConfigError["issues"] } }
  | { ok: false; error: { message: string; stack: string | undefined } };

function answer(): ChildAnswer {
  try {
    const { config, file } = loadAgentConfig({ configFile: process.argv[2], env: process.env });
    return { ok: true, config: toTransferable(config), file };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, configError: { source: err.source, issues: err.issues } };
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error: { message: e.message, stack: e.stack } };
  }
}

process.stdout.write(JSON.stringify(answer()));
