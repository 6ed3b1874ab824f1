import { z } from "zod";
import { ConfigError } from "../../shared/config/config-error.ts";
import { type EnvOverride, loadConfig } from "../../shared/config/load-config.ts";
import { duration, secret } from "../../shared/config/schema-helpers.ts";
import { Secret } from "../../shared/config/secret.ts";
import { issuesToText, toFieldIssues } from "../../shared/validation/issues.ts";
import { UsageError } from "./errors.ts";

export const DEFAULT_HUB_URL = "http://127.0.0.1:9470";
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The hub's base URL, as given by `--hub` or `VIGIL_HUB_URL`. */
export const hubUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/** How long one request to the hub may take, connection included. */
export const requestTimeout = duration({ min: "100ms", max: "1h" });

/** What `vigil` needs to talk to the hub. There is no config file: defaults, then environment, then flags. */
export const cliConfigSchema = z.strictObject({
  hub: z
    .strictObject({
      url: hubUrl.default(DEFAULT_HUB_URL),
      /** Bearer token for the hub's API. */
      token: secret.optional(),
    })
    .prefault({}),
  timeout: requestTimeout.default(DEFAULT_TIMEOUT_MS),
});

/** The environment variables `vigil` reads, through `loadConfig`. */
export const CLI_ENV_OVERRIDES: EnvOverride[] = [
  { name: "VIGIL_HUB_URL", path: ["hub", "url"], type: "string" },
  { name: "VIGIL_TOKEN", path: ["hub", "token"], type: "string" },
];

/** The global flags that override configuration; absent when not given. */
export interface ConfigFlags {
  hub?: string | undefined;
  token?: string | undefined;
  timeout?: string | undefined;
}

/** The resolved settings of one `vigil` run. */
export interface CliConfig {
  hubUrl: string;
  token: Secret | undefined;
  timeoutMs: number;
}

/**
 * Defaults, then VIGIL_HUB_URL / VIGIL_TOKEN, then flags. A variable whose setting a flag replaces
 * is not read at all, so a broken variable cannot fail a run that overrides it. Errors are
 * UsageErrors that name the flag or the variable, and never show a token.
 */
export function resolveCliConfig(flags: ConfigFlags, env: Readonly<Record<string, string | undefined>>): CliConfig {
  const flagPaths = new Set([...(flags.hub === undefined ? [] : ["hub.url"]), ...(flags.token === undefined ? [] : ["hub.token"])]);
  const loaded = loadFromEnv(
    CLI_ENV_OVERRIDES.filter((o) => !flagPaths.has(o.path.join("."))),
    env,
  );
  const config: CliConfig = { hubUrl: loaded.hub.url, token: loaded.hub.token, timeoutMs: loaded.timeout };
  if (flags.hub !== undefined) config.hubUrl = parseFlag("--hub", hubUrl, flags.hub);
  if (flags.timeout !== undefined) config.timeoutMs = parseFlag("--timeout", requestTimeout, flags.timeout);
  if (flags.token !== undefined) {
    // Never echo the value: it is a credential.
    if (flags.token.trim() === "") throw new UsageError("--token: must not be empty");
    config.token = new Secret(flags.token, "flag:--token");
  }
  return config;
}

function loadFromEnv(envOverrides: EnvOverride[], env: Readonly<Record<string, string | undefined>>) {
  try {
    return loadConfig({ schema: cliConfigSchema, file: undefined, fileRequired: false, envOverrides, env }).config;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(issuesToText(err.issues));
    throw err;
  }
}

function parseFlag<S extends z.ZodType>(flag: string, schema: S, value: string): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new UsageError(`${flag}: ${issuesToText(toFieldIssues(parsed.error.issues))}`);
  return parsed.data;
}
