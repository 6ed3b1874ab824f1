/**
 * Prometheus text exposition format 0.0.4 for the collected series, written by hand beside
 * prom-client's text of the self-metrics (self-metrics.ts). prom-client wants to own every metric
 * as a long-lived object with fixed label names, while these are values already in the store
 * (latest samples, one-hot states) with labels known only when they arrive: copying them into
 * gauges at every scrape would cost more than writing them.
 */

export type FamilyType = "gauge" | "counter" | "untyped";

export interface MetricFamily {
  name: string;
  help: string;
  type: FamilyType;
  series: Array<{ labels: Readonly<Record<string, string>>; value: number }>;
}

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Renders families in order; a family with no series is left out (missing is not zero). */
export function renderExposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of families) {
    if (f.series.length === 0 || seen.has(f.name)) continue;
    seen.add(f.name);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) out.push(`${f.name}${renderLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] as string)}"`).join(",")}}`;
}

export function escapeLabelValue(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function escapeHelp(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}
