import { z } from "zod";

/**
 * The body of every error response from the hub and the agent: a stable code, a message and, for
 * input errors, the field and the list of field problems. Receivers parse it leniently (unknown keys
 * ignored) so a newer server's errors still read well.
 */
export const errorBody = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    field: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    retryAfterMs: z.number().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;
export type ErrorDetails = Omit<ErrorBody["error"], "code" | "message">;
