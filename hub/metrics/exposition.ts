/**
 * Writing the Prometheus text format (0.0.4) for the federation part of /metrics. prom-client
 * renders the hub's own metrics, but it is built for a process's own instruments: the fleet's
 * latest values (hundreds of thousands of series with their own timestamps, help from the shared
 * catalogs) would have to be copied into gauges on every scrape. Writing them directly is a few
 * lines of escaping, done here.
 */

/** A label value: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text: backslash and newline escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as Prometheus parses it (Go's ParseFloat): NaN, +Inf, -Inf or a JavaScript number. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** `# HELP` and `# TYPE` of one family. */
export function familyHeader(name: string, type: string, help: string): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}
