import {
  CPU_USAGE,
  GPU_MEMORY_USED,
  GPU_POWER,
  GPU_TEMPERATURE,
  GPU_UTILIZATION,
  MEMORY_USED,
  NETWORK_RECEIVE,
  NETWORK_TRANSMIT,
  POOL_CAPACITY,
} from "./metric-names.ts";

/** The ranges a host's charts offer; the hub picks the step (raw, 1-minute or 1-hour rollups) for at most 720 points. */
export const RANGES = [
  { id: "1h", label: "1 h", ms: 3_600_000 },
  { id: "24h", label: "24 h", ms: 86_400_000 },
  { id: "7d", label: "7 d", ms: 7 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]["id"];

export type ChartUnit = "percent" | "bytes" | "bytesPerSecond" | "celsius" | "watts";

/** One /api/v1/series query of a chart; every series it matches becomes a line named by `legend`. */
export interface ChartQuery {
  name: string;
  labels?: Record<string, string>;
  legend: (labels: Readonly<Record<string, string>>) => string;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: ChartUnit;
  queries: ChartQuery[];
}

const gpu = (l: Readonly<Record<string, string>>) => `GPU ${l.gpu ?? "?"}${l.name ? ` ${l.name.replace(/^NVIDIA /, "")}` : ""}`;

/** The charts of a host page, in order. A chart none of whose queries match a series is not drawn (a host without GPUs). */
export const HOST_CHARTS: readonly ChartSpec[] = [
  { id: "cpu", title: "CPU", unit: "percent", queries: [{ name: CPU_USAGE, labels: { cpu: "total" }, legend: () => "all CPUs" }] },
  { id: "memory", title: "Memory", unit: "percent", queries: [{ name: MEMORY_USED, legend: () => "used" }] },
  {
    id: "network",
    title: "Network",
    unit: "bytesPerSecond",
    queries: [
      { name: NETWORK_RECEIVE, legend: (l) => `${l.device ?? "?"} in` },
      { name: NETWORK_TRANSMIT, legend: (l) => `${l.device ?? "?"} out` },
    ],
  },
  { id: "gpu-temperature", title: "GPU temperature", unit: "celsius", queries: [{ name: GPU_TEMPERATURE, legend: gpu }] },
  { id: "gpu-power", title: "GPU power", unit: "watts", queries: [{ name: GPU_POWER, legend: gpu }] },
  { id: "gpu-utilization", title: "GPU utilization", unit: "percent", queries: [{ name: GPU_UTILIZATION, legend: gpu }] },
  { id: "gpu-memory", title: "GPU memory used", unit: "bytes", queries: [{ name: GPU_MEMORY_USED, legend: gpu }] },
  { id: "pool-capacity", title: "Pool capacity", unit: "percent", queries: [{ name: POOL_CAPACITY, legend: (l) => l.pool ?? "?" }] },
];

/** The API path of one query over the range ending now. */
export function seriesPath(query: ChartQuery, hostId: string, rangeMs: number, now: number): string {
  const params = new URLSearchParams({ name: query.name, host: hostId, from: String(now - rangeMs), to: String(now) });
  if (query.labels) params.set("labels", JSON.stringify(query.labels));
  return `/api/v1/series?${params.toString()}`;
}

/** The part of a GET /api/v1/series answer a chart uses. */
export interface SeriesAnswer {
  step: number;
  series: Array<{ labels: Record<string, string>; points: Array<{ t: number; avg: number }> }>;
}

/**
 * uPlot's columns: x in seconds, then one column per line. A bucket a line has no point for is
 * `undefined` (uPlot draws across it) while the line's points around it are close together, and
 * `null` (uPlot leaves a gap) where they are more than three steps or three of its usual spacings
 * apart: an agent pushing every 10 s into 5 s buckets is not a dotted line, an outage is a gap.
 */
export interface AlignedSeries {
  legends: string[];
  data: [number[], ...Array<Array<number | null | undefined>>];
}

export function alignSeries(query: readonly ChartQuery[], answers: readonly SeriesAnswer[]): AlignedSeries {
  const lines: Array<{ legend: string; points: Map<number, number>; times: number[]; gapMs: number }> = [];
  answers.forEach((answer, i) => {
    const q = query[i];
    if (!q) return;
    for (const s of answer.series) {
      const times = s.points.map((p) => p.t).sort((a, b) => a - b);
      lines.push({
        legend: q.legend(s.labels),
        points: new Map(s.points.map((p) => [p.t, p.avg])),
        times,
        gapMs: 3 * Math.max(answer.step, medianSpacing(times)),
      });
    }
  });
  lines.sort((a, b) => a.legend.localeCompare(b.legend, "en", { numeric: true }));
  const xs = [...new Set(lines.flatMap((l) => l.times))].sort((a, b) => a - b);
  const columns = lines.map((line) => {
    let before = -1; // index in line.times of the newest point at or before x
    return xs.map((x) => {
      while (before + 1 < line.times.length && (line.times[before + 1] as number) <= x) before++;
      const value = line.points.get(x);
      if (value !== undefined) return value;
      const prev = line.times[before];
      const next = line.times[before + 1];
      if (prev === undefined || next === undefined) return undefined;
      return next - prev > line.gapMs ? null : undefined;
    });
  });
  return { legends: lines.map((l) => l.legend), data: [xs.map((t) => t / 1000), ...columns] };
}

function medianSpacing(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] as number;
}
