import type { Hono } from "hono";
import type { z } from "zod";
import { errorBody } from "../../shared/api/error-body.ts";
import { issuesToText, toFieldIssues } from "../../shared/validation/issues.ts";
import { ToolError } from "./tools/tool-error.ts";

/** The hub's read API as the MCP tools use it: a path in, the validated answer out, a ToolError otherwise. */
export interface HubApi {
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>>;
}

/**
 * The hub's own HTTP API, called in-process through Hono's `app.request` (no socket, no HTTP parsing).
 * The tools read through the API rather than the stores because it is the contract that stays put
 * while the stores change under it: parameter checks, limits and error codes (SERIES_QUERY naming
 * `step`, HOST_NOT_FOUND) are the ones the CLI sees, and answers are validated with the same schemas.
 * An error answer becomes a ToolError with the API's code, message and field.
 */
export function inProcessHubApi(app: Hono): HubApi {
  return {
    async get(path, schema) {
      const res = await app.request(path, { headers: { accept: "application/json" } });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ToolError("HUB_ANSWER_INVALID", `the hub answered ${res.status} to ${path} without JSON`);
      }
      if (res.status < 200 || res.status > 299) {
        const err = errorBody.safeParse(body);
        if (err.success) {
          // The API names a host `id` (its path segment); the tools call that argument `host`. Other fields match.
          const { code, message, field } = err.data.error;
          throw new ToolError(code, message, { field: field === "id" ? "host" : field });
        }
        throw new ToolError("HUB_ANSWER_INVALID", `the hub answered ${res.status} to ${path}`);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const issues = issuesToText(toFieldIssues(parsed.error.issues).slice(0, 3));
        throw new ToolError("HUB_ANSWER_INVALID", `unexpected answer from ${path}: ${issues}`);
      }
      return parsed.data;
    },
  };
}
