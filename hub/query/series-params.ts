import { z } from "zod";
import { parseDuration } from "../../shared/config/schema-helpers.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { agentId, labelValue, metricName } from "../../shared/protocol/primitives.ts";
import { toFieldIssues } from "../../shared/validation/issues.ts";

/** A series query as the route understands it, times in ms since the epoch. */
export interface SeriesQuery {
  name: string;
  host?: string;
  labels: Record<string, string>;
  from: number;
  to: number;
  /** Absent: chosen from the range (series-resolution.ts). */
  stepMs?: number;
}

export const DEFAULT_RANGE_MS = 3_600_000;

/** `labels` is a JSON object: label values (mountpoints, container names) may hold `,` and `:`, which a `k:v,k:v` list could not carry. */
const labelsJson = z.record(metricName, labelValue);

function bad(field: string, message: string): ApiError {
  return new ApiError(400, "SERIES_QUERY", `${field}: ${message}`, { field, issues: [{ path: field, message }] });
}

/** A time: milliseconds since the epoch, or an RFC 3339 date-time (`2026-11-23T10:00:00Z`). */
export function parseTime(field: string, text: string): number {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw bad(
    field,
    `expected milliseconds since the epoch or an RFC 3339 date-time such as 2026-11-23T10:00:00Z, got "${text.slice(0, 60)}"`,
  );
}

/** Reads and checks the query string of GET /api/v1/series; errors are 400 SERIES_QUERY naming the parameter. */
export function parseSeriesQuery(params: Readonly<Record<string, string | undefined>>, now: number): SeriesQuery {
  const name = params.name;
  if (name === undefined || name === "") throw bad("name", "is required (the series name, e.g. vigil_gpu_temperature_celsius)");
  const nameOk = metricName.safeParse(name);
  if (!nameOk.success) throw bad("name", nameOk.error.issues[0]?.message ?? "is not a series name");
  const query: SeriesQuery = { name, labels: {}, from: 0, to: 0 };
  if (params.host !== undefined && params.host !== "") {
    const hostOk = agentId.safeParse(params.host);
    if (!hostOk.success) throw bad("host", hostOk.error.issues[0]?.message ?? "is not an agent id");
    query.host = params.host;
  }
  if (params.labels !== undefined && params.labels !== "") query.labels = parseLabels(params.labels);
  query.to = params.to ? parseTime("to", params.to) : now;
  query.from = params.from ? parseTime("from", params.from) : query.to - DEFAULT_RANGE_MS;
  if (query.from >= query.to) throw bad("from", `must be before to (from ${query.from}, to ${query.to})`);
  if (params.step !== undefined && params.step !== "") {
    const step = parseDuration(params.step);
    if (step === null || step < 1000)
      throw bad("step", `expected a duration of at least 1s such as "30s", "5m" or "1h", got "${params.step.slice(0, 40)}"`);
    query.stepMs = step;
  }
  return query;
}

function parseLabels(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("labels", `expected a JSON object of label names to values such as {"pool":"tank"}, got "${text.slice(0, 60)}"`);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    // Checked here: zod reports a bad record key only as "Invalid key in record".
    for (const key of Object.keys(value)) {
      if (!metricName.safeParse(key).success)
        throw bad(`labels.${key}`, "is not a label name: must match [a-zA-Z_][a-zA-Z0-9_]* (a Prometheus-style name)");
    }
  }
  const checked = labelsJson.safeParse(value, { reportInput: true });
  if (!checked.success) {
    const issue = toFieldIssues(checked.error.issues, ["labels"])[0];
    throw bad(issue?.path || "labels", issue?.message ?? "expected a JSON object of label names to string values");
  }
  return checked.data;
}
