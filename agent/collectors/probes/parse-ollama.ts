import { type JsonObject, JsonFieldError, asObject, int, mapObjects, optInt, optStr, raw, str } from "../json-fields.ts";
import { parseTimestamp } from "./parse-timestamp.ts";

/** An Ollama answer that is not JSON, or not the shape its endpoint documents. */
export class OllamaParseError extends Error {
  override readonly name = "OllamaParseError";
}

export interface InstalledModel {
  name: string;
  sizeBytes: number | undefined;
}

export interface LoadedModel {
  name: string;
  /** Memory the model takes in all. */
  sizeBytes: number;
  /** The part in GPU memory; absent when Ollama does not say. */
  vramBytes: number | undefined;
  /** When Ollama unloads it, ms since the epoch; absent when not given or not a readable time. */
  expiresAtMs: number | undefined;
  contextLength: number | undefined;
}

// Objects are not strict: a newer Ollama adds fields, and an older one leaves some out (see the fixtures).
// `"models": null` from some versions means none; a missing `models` is an error, not an empty list.
function models<T>(answer: JsonObject, read: (m: JsonObject) => T): T[] {
  const list = raw(answer, "models");
  return list === null ? [] : mapObjects(list, "models", read);
}

/** `GET /api/version` -> the version string. */
export function parseOllamaVersion(text: string): string {
  return readAnswer("/api/version", () => str(parseAnswer(text, "/api/version"), "version", { min: 1, max: 64 }));
}

/** `GET /api/tags` -> the installed models (`"models": null` from some versions means none). */
export function parseOllamaTags(text: string): InstalledModel[] {
  return readAnswer("/api/tags", () =>
    models(parseAnswer(text, "/api/tags"), (m) => ({ name: str(m, "name", { min: 1 }), sizeBytes: optInt(m, "size", { min: 0 }) })),
  );
}

/** `GET /api/ps` -> the models loaded in memory. */
export function parseOllamaPs(text: string): LoadedModel[] {
  return readAnswer("/api/ps", () =>
    models(parseAnswer(text, "/api/ps"), (m) => {
      const name = str(m, "name", { min: 1 });
      const sizeBytes = int(m, "size", { min: 0 });
      const vramBytes = optInt(m, "size_vram", { min: 0 });
      const expiresAt = optStr(m, "expires_at");
      const contextLength = optInt(m, "context_length", { min: 1 });
      const expires = expiresAt === undefined ? undefined : parseTimestamp(expiresAt);
      return { name, sizeBytes, vramBytes, expiresAtMs: expires?.ok === true && expires.ms > 0 ? expires.ms : undefined, contextLength };
    }),
  );
}

/**
 * True when `wanted` (as a person writes it in config) names `installed` (as /api/tags lists it):
 * Ollama reads a name without a tag as `:latest`, so `llama3.2` matches `llama3.2:latest`.
 */
export function sameModel(wanted: string, installed: string): boolean {
  return withTag(wanted) === withTag(installed);
}

function withTag(name: string): string {
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  return lastPart.includes(":") ? name : `${name}:latest`;
}

/** The answer as a JSON object, or an error naming the endpoint. */
function parseAnswer(text: string, endpoint: string): JsonObject {
  if (text.trim() === "") throw new OllamaParseError(`${endpoint}: the answer is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OllamaParseError(`${endpoint}: the answer is not JSON (${(err as Error).message})`);
  }
  return readAnswer(endpoint, () => asObject(json));
}

/** Runs `read`; a bad field becomes an error naming the endpoint and the field (`/api/ps: models[0].size: ...`). */
function readAnswer<T>(endpoint: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof JsonFieldError) throw new OllamaParseError(`${endpoint}: ${err.message}`);
    throw err;
  }
}
