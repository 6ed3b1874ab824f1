import type { HostLatest, HostSummary } from "../../shared/api/hosts.ts";

/**
 * Text output of `vigil`: pure functions from data (and the current time, passed in) to strings
 * without a trailing newline. Text that comes from agents (hostnames, labels, states) goes through
 * `printable` so a hostile label cannot send escape sequences to the operator's terminal.
 */

type Labels = Readonly<Record<string, string>>;

// Matching control characters is the point: they are escaped before reaching the terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Replaces control characters (ESC, CR, BEL, ...) with visible `\xNN` escapes. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Width in terminal columns, counting code points (not UTF-16 units). */
function width(text: string): number {
  return [...text].length;
}

function padEnd(text: string, to: number): string {
  return text + " ".repeat(Math.max(0, to - width(text)));
}

/** Left-aligned columns separated by three spaces, like kubectl; no trailing spaces. Cells are made printable. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, col) => Math.max(...all.map((row) => width(row[col] ?? ""))));
  return all
    .map((row) =>
      widths
        .map((w, col) => padEnd(row[col] ?? "", col === widths.length - 1 ? 0 : w))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** One unit, floored: `45s`, `119s`, `2m`, `119m`, `2h`, `47h`, `2d`. Seconds up to two minutes, like kubectl. */
function coarse(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * How long ago something happened, from its age in milliseconds: `just now` under a second,
 * then `4s ago`, `3m ago`, `5h ago`, `2d ago`. A negative age (the agent's clock is ahead) reads `in 4s`.
 */
export function formatAge(ageMs: number): string {
  if (Math.abs(ageMs) < 1000) return "just now";
  return ageMs < 0 ? `in ${coarse(-ageMs)}` : `${coarse(ageMs)} ago`;
}

/** An exact duration: `500ms`, `10s`, `1m30s`, `1h`, `2d3h`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const units: Array<[string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ];
  let rest = Math.round(ms);
  let out = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

function sortedEntries(labels: Labels): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A label value escaped as in the Prometheus text format (`\\`, `\"`, `\n`), then made printable. */
function escapeLabelValue(value: string): string {
  return printable(value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n"));
}

/** A Prometheus label set, keys sorted: `{device="sda",mount="/"}`; empty labels give "". */
export function formatLabelSet(labels: Labels): string {
  const entries = sortedEntries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${printable(k)}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** A series as Prometheus writes it: `disk_used_bytes{mount="/"}`. */
export function formatSeries(name: string, labels: Labels): string {
  return printable(name) + formatLabelSet(labels);
}

/** Labels for a table cell: `env=prod,rack=a`, keys sorted; `<none>` when there are none. */
export function formatLabelList(labels: Labels): string {
  const entries = sortedEntries(labels);
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${v}`).join(",");
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The `vigil hosts` table, sorted by id. */
export function formatHostsTable(hosts: readonly HostSummary[], nowMs: number): string {
  if (hosts.length === 0) return "No hosts have reported to the hub yet.";
  const rows = [...hosts]
    .sort(byId)
    .map((h) => [h.id, h.hostname, h.status, formatAge(nowMs - h.lastSeen), h.agentVersion, formatLabelList(h.labels)]);
  return formatTable(["ID", "HOSTNAME", "STATUS", "LAST SEEN", "AGENT VERSION", "LABELS"], rows);
}

/** Key-value lines with the values aligned after the longest key. */
function formatFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const w = Math.max(...fields.map(([k]) => width(k))) + 3;
  return fields.map(([k, v]) => `${padEnd(`${k}:`, w)}${printable(v)}`.trimEnd()).join("\n");
}

/** Series lines grouped by name (sorted by name, then labels), the values aligned in one column. */
function formatSeriesSection(title: string, lines: ReadonlyArray<{ series: string; name: string; value: string }>): string {
  if (lines.length === 0) return `${title}: none`;
  const sorted = [...lines].sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.series < b.series ? -1 : a.series > b.series ? 1 : 0,
  );
  const w = Math.max(...sorted.map((l) => width(l.series)));
  return [`${title} (${lines.length}):`, ...sorted.map((l) => `  ${padEnd(l.series, w)}  ${l.value}`)].join("\n");
}

function when(ms: number, nowMs: number): string {
  return `${formatAge(nowMs - ms)} (${new Date(ms).toISOString()})`;
}

/** The host's details as aligned `Key:   value` lines. */
export function formatHostFields(h: HostSummary, nowMs: number): string {
  return formatFields([
    ["ID", h.id],
    ["Hostname", h.hostname],
    ["Status", h.status],
    ...(h.mode === undefined ? [] : [["Mode", h.mode] as const]),
    ["Last seen", when(h.lastSeen, nowMs)],
    ["First seen", when(h.firstSeen, nowMs)],
    ["Agent version", h.agentVersion],
    ["Boot ID", h.bootId],
    ["Push interval", formatDuration(h.pushIntervalMs)],
    ["Last sequence", String(h.lastSequence)],
    ["Labels", formatLabelList(h.labels)],
  ]);
}

/** Every newest sample and state, grouped by name and written like Prometheus (`vigil host <id> --all`). */
export function formatSeriesLists(latest: Pick<HostLatest, "samples" | "states">): string {
  const samples = formatSeriesSection(
    "Samples",
    latest.samples.map((s) => ({ name: s.name, series: formatSeries(s.name, s.labels), value: String(s.value) })),
  );
  const states = formatSeriesSection(
    "States",
    latest.states.map((s) => ({ name: s.name, series: formatSeries(s.name, s.labels), value: printable(s.state) })),
  );
  return [samples, states].join("\n\n");
}

/** The host's details, then its newest samples and states. */
export function formatHostDetails(latest: HostLatest, nowMs: number): string {
  return [formatHostFields(latest.host, nowMs), formatSeriesLists(latest)].join("\n\n");
}

/** `--json` output: the hub's body as received, indented. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
