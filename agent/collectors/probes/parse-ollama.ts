import { z } from "zod";
import { toFieldIssues } from "../../../shared/validation/issues.ts";
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
const bytes = z.number().int().nonnegative();
const versionAnswer = z.object({ version: z.string().min(1).max(64) });
const tagsAnswer = z.object({
  models: z.array(z.object({ name: z.string().min(1), size: bytes.optional() })).nullable(),
});
const psAnswer = z.object({
  models: z
    .array(
      z.object({
        name: z.string().min(1),
        size: bytes,
        size_vram: bytes.optional(),
        expires_at: z.string().optional(),
        context_length: z.number().int().positive().optional(),
      }),
    )
    .nullable(),
});

/** `GET /api/version` -> the version string. */
export function parseOllamaVersion(text: string): string {
  return parseAnswer(text, "/api/version", versionAnswer).version;
}

/** `GET /api/tags` -> the installed models (`"models": null` from some versions means none). */
export function parseOllamaTags(text: string): InstalledModel[] {
  return (parseAnswer(text, "/api/tags", tagsAnswer).models ?? []).map((m) => ({ name: m.name, sizeBytes: m.size }));
}

/** `GET /api/ps` -> the models loaded in memory. */
export function parseOllamaPs(text: string): LoadedModel[] {
  return (parseAnswer(text, "/api/ps", psAnswer).models ?? []).map((m) => {
    const expires = m.expires_at === undefined ? undefined : parseTimestamp(m.expires_at);
    return {
      name: m.name,
      sizeBytes: m.size,
      vramBytes: m.size_vram,
      expiresAtMs: expires?.ok === true && expires.ms > 0 ? expires.ms : undefined,
      contextLength: m.context_length,
    };
  });
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

function parseAnswer<T>(text: string, endpoint: string, schema: z.ZodType<T>): T {
  if (text.trim() === "") throw new OllamaParseError(`${endpoint}: the answer is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OllamaParseError(`${endpoint}: the answer is not JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const first = toFieldIssues(parsed.error.issues)[0];
    throw new OllamaParseError(`${endpoint}: ${first?.path === "" ? "" : `${first?.path}: `}${first?.message ?? "unexpected shape"}`);
  }
  return parsed.data;
}
