import { z } from "zod";

/** Series, state and label names: Prometheus-compatible, so /metrics can expose them unchanged. */
export const metricName = z
  .string()
  .max(200)
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: "must match [a-zA-Z_][a-zA-Z0-9_]* (a Prometheus-style name)" });

export const labelValue = z.string().max(1024, { error: "label values are at most 1024 characters" });

export const labels = z.preprocess(
  (input, ctx) => {
    // zod's record skips an own "__proto__" key without checking it: refuse it here, or the label
    // would vanish and the sample silently land in another series.
    if (input !== null && typeof input === "object" && Object.hasOwn(input, "__proto__")) {
      ctx.issues.push({ code: "custom", message: "the label name __proto__ is reserved", input, path: ["__proto__"] });
    }
    return input;
  },
  z.record(metricName, labelValue).refine((l) => Object.keys(l).length <= 32, { error: "at most 32 labels" }),
);

/** Milliseconds since the Unix epoch, UTC. */
export const timestampMs = z.int({ error: "must be an integer number of milliseconds since the epoch" }).nonnegative();

/** Agent ids appear in URLs and file names: a conservative character set. */
export const agentId = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/, { error: "must be 1-128 characters of letters, digits, '.', '_' or '-'" });

export const actionName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, { error: "must be lowercase letters, digits and '-', starting with a letter" });
