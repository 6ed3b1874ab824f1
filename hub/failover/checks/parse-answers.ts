/**
 * Pure readers of what inference servers answer to health checks. Each returns the value or the
 * reason it cannot be read, in words for the member's status line.
 */
export type Parsed<T> = { value: T } | { error: string };

function json(text: string): Parsed<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return { error: "not a JSON object" };
  return { value: v as Record<string, unknown> };
}

/** Ollama's error bodies are `{"error": "..."}`. */
function ollamaError(o: Record<string, unknown>): string | undefined {
  return typeof o.error === "string" ? o.error : undefined;
}

/** GET /api/version: `{"version": "0.5.1"}`. */
export function parseOllamaVersion(text: string): Parsed<string> {
  const o = json(text);
  if ("error" in o) return o;
  const err = ollamaError(o.value);
  if (err !== undefined) return { error: err };
  const v = o.value.version;
  if (typeof v !== "string" || v === "") return { error: "no version in the answer" };
  return { value: v };
}

/** POST /api/generate with stream false: the finished answer's text (`done` must be true). */
export function parseOllamaGenerate(text: string): Parsed<string> {
  const o = json(text);
  if ("error" in o) return o;
  const err = ollamaError(o.value);
  if (err !== undefined) return { error: err };
  if (o.value.done !== true) return { error: "the generation did not finish (done is not true)" };
  if (typeof o.value.response !== "string") return { error: "no response text in the answer" };
  return { value: o.value.response };
}

/**
 * OpenAI-compatible GET /v1/models: the model ids. Ollama answers `"data": null` when it has no
 * model, which is an empty list, not a malformed answer.
 */
export function parseModelIds(text: string): Parsed<string[]> {
  const o = json(text);
  if ("error" in o) return o;
  const data = o.value.data;
  if (data === null) return { value: [] };
  if (!Array.isArray(data)) {
    const e = o.value.error as { message?: unknown } | undefined;
    return { error: typeof e?.message === "string" ? e.message : "no data list in the answer" };
  }
  const ids: string[] = [];
  for (const m of data) {
    const id = (m as { id?: unknown } | null)?.id;
    if (typeof id === "string") ids.push(id);
  }
  return { value: ids };
}
