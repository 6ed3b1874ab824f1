import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../../shared/http/api-error.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";

/** Admin and enrollment bodies are a few fields: anything larger is refused unread. */
const MAX_BYTES = 16 * 1024;

/** Reads a small JSON request body and validates it; 400 `code` names the field, 413 past 16 KB. */
export async function readJsonRequest<S extends z.ZodType>(c: Context, schema: S, code: string): Promise<z.output<S>> {
  const declared = Number(c.req.header("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_BYTES) throw tooLarge();
  const bytes = await readCapped(c.req.raw);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ApiError(400, code, `the body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error.issues);
    const first = issues[0];
    const where = first ? `${first.path === "" ? "(body)" : first.path}: ${first.message}` : "invalid";
    throw new ApiError(400, code, `invalid request body: ${where}`, {
      ...(first ? { field: first.path } : {}),
      issues: issues.slice(0, 20),
    });
  }
  return parsed.data;
}

async function readCapped(req: Request): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ApiError {
  return new ApiError(413, "REQUEST_TOO_LARGE", `the body exceeds ${MAX_BYTES} bytes`);
}
