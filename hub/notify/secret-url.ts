import { ConfigError } from "../../shared/config/config-error.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { secret } from "../../shared/config/schema-helpers.ts";

const EXPECTED = "expected an http:// or https:// URL";

/**
 * A URL that is itself a credential (a Slack webhook URL carries its token in the path): written
 * inline, `{ env: NAME }` or `{ file: /path }` like any secret. An inline URL is checked when the
 * config loads; one from the environment or a file is checked by `revealUrl` when the channel is built.
 */
export const secretUrl = secret.superRefine((ref, ctx) => {
  // No `input`: the error must not echo the text, which may hold the webhook's token even when malformed.
  if (ref.kind === "inline" && parseHttpUrl(ref.ref) === undefined) ctx.addIssue({ code: "custom", message: EXPECTED });
});

/**
 * The URL behind a resolved secret. When it is not http(s), a ConfigError names the config file,
 * the path and the secret's source (`env:SLACK_URL`), never its text.
 */
export function revealUrl(value: Secret, where: { configSource: string; path: string }): URL {
  const url = parseHttpUrl(value.reveal());
  if (!url) throw new ConfigError(where.configSource, [{ path: where.path, message: `${EXPECTED} (from ${value.source})` }]);
  return url;
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** scheme://host[:port] of a URL, safe to log: no user info, no path (a webhook's token lives there). */
export function safeOrigin(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
