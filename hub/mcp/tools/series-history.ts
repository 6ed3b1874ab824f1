import { z } from "zod";
import { parseDuration } from "../../../shared/config/schema-helpers.ts";
import { labelValue, metricName } from "../../../shared/protocol/primitives.ts";
import { LIMITS } from "../compact/bounded.ts";
import { compactSeries, seriesAnswer, toCompactSeries } from "../compact/series.ts";
import { hostArg, truncation, truncationOf } from "./args.ts";
import { ToolError } from "./tool-error.ts";
import { defineTool } from "./tool-kit.ts";

const durationText = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, { error: 'expected a duration such as "30s", "5m", "6h" or "2d"' });
const timeText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$/, { error: "expected an RFC 3339 date-time such as 2026-11-23T10:00:00Z" });

const input = z.object({
  name: metricName.describe("The series name, e.g. vigil_gpu_temperature_celsius (docs/collectors.md lists them)"),
  host: hostArg.optional().describe("Only this host (default: every host that has the series)"),
  labels: z.record(metricName, labelValue).optional().describe('Only series whose labels include these, e.g. {"gpu": "0"}'),
  range: durationText.default("1h").describe("How far back from `to`, when `from` is not given"),
  from: timeText.optional(),
  to: timeText.optional().describe("End of the range (default: now)"),
  step: durationText
    .optional()
    .describe(`Width of one point (default: chosen to give at most ${LIMITS.pointsPerSeries} points); each point has avg, min and max`),
});

const output = z.object({
  name: z.string(),
  resolution: z.string().describe("raw samples, or 1m or 1h rollups, as the hub chose for the range and step"),
  stepSeconds: z.number(),
  from: z.int(),
  to: z.int(),
  series: z.array(compactSeries),
  ...truncation,
});

/** Steps a chart would use; the default is the smallest giving at most LIMITS.pointsPerSeries points. */
const NICE_STEPS_S = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export function defaultStepSeconds(rangeMs: number): number {
  const wanted = rangeMs / 1000 / LIMITS.pointsPerSeries;
  return NICE_STEPS_S.find((s) => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

/** The history of one series (or all its label sets) over a range, in step buckets. */
export const seriesHistory = defineTool({
  name: "series_history",
  title: "Series history",
  description: `The history of a series over a time range, as step buckets with avg, min and max, plus min/max/avg/last over the range. At most ${LIMITS.series} series and ${LIMITS.pointsPerSeries} points each; narrow with host and labels, or widen the step.`,
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const to = args.to === undefined ? ctx.now() : Date.parse(args.to);
    const rangeMs = parseDuration(args.range) ?? 3_600_000;
    const from = args.from === undefined ? to - rangeMs : Date.parse(args.from);
    if (!(from < to))
      throw new ToolError("SERIES_QUERY", `from must be before to (from ${new Date(from).toISOString()})`, { field: "from" });
    const stepS = args.step === undefined ? defaultStepSeconds(to - from) : (parseDuration(args.step) ?? 0) / 1000;
    const q = new URLSearchParams({ name: args.name, from: String(from), to: String(to), step: `${stepS}s` });
    if (args.host !== undefined) q.set("host", args.host);
    if (args.labels !== undefined) q.set("labels", JSON.stringify(args.labels));
    const answer = await ctx.api.get(`/api/v1/series?${q}`, seriesAnswer);
    const notes: string[] = [];
    const series = toCompactSeries(answer, notes);
    const structured = {
      name: args.name,
      resolution: answer.resolution,
      stepSeconds: answer.step / 1000,
      from: answer.from,
      to: answer.to,
      series,
      ...truncationOf(notes),
    };
    const lines = [
      `${args.name} from ${new Date(answer.from).toISOString()} to ${new Date(answer.to).toISOString()}, step ${structured.stepSeconds} s (${answer.resolution}): ${answer.series.length} series.`,
    ];
    for (const s of series) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      lines.push(
        s.stats
          ? `- ${s.host}${labels ? ` {${labels}}` : ""}: last ${s.stats.last}, avg ${s.stats.avg}, min ${s.stats.min}, max ${s.stats.max} over ${s.points.length} points`
          : `- ${s.host}${labels ? ` {${labels}}` : ""}: no samples in the range`,
      );
    }
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured, summary: lines.join("\n") };
  },
});
