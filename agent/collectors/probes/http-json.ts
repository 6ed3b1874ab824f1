import type { Secret } from "../../../shared/config/secret.ts";
import type { ProbeIo } from "./exec.ts";
import { ProbeFailure } from "./probe-result.ts";

/** Most bytes of a JSON answer read (freshness endpoints, Ollama): /api/tags with 2000 models fits. */
export const MAX_JSON_BYTES = 1024 * 1024;

/** Header values with their secrets revealed, only for the request itself. */
export function revealHeaders(headers: Readonly<Record<string, Secret>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.reveal()]));
}

/**
 * GETs `url` expecting a 2xx JSON answer, and returns its text. A status outside 2xx fails with
 * "bad_status" (carrying the status), an answer past MAX_JSON_BYTES with "body_too_large" (a cut
 * JSON cannot be read).
 */
export async function getJsonText(
  io: ProbeIo,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  const answer = await io.http(
    { url, method: "GET", headers: { accept: "application/json", ...headers }, maxBodyBytes: MAX_JSON_BYTES },
    signal,
  );
  if (answer.status < 200 || answer.status > 299) {
    throw new ProbeFailure("bad_status", `${new URL(url).pathname}: HTTP ${answer.status}, expected 2xx`, answer.status);
  }
  if (answer.truncated) {
    throw new ProbeFailure("body_too_large", `${new URL(url).pathname}: the answer is larger than ${MAX_JSON_BYTES} bytes`, answer.status);
  }
  return { status: answer.status, text: answer.body.toString("utf8") };
}
