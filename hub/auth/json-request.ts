import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../../shared/http/api-error.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";
import { readCappedJson } from "../http/read-capped-json.ts";

/** Admin and enrollment bodies are a few fields: anything larger is refused unread. */
const MAX_BYTES = 16 * 1024;

/** Reads a small JSON request body and validates it; 400 `code` names the field, 413 past 16 KB. */
export async function readJsonRequest<S extends z.ZodType>(c: Context, schema: S, code: string): Promise<z.output<S>> {
  const value = await readCappedJson(c.req.raw, MAX_BYTES, { tooLarge: "REQUEST_TOO_LARGE", badJson: code });
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
