/**
 * How the dashboard writes numbers. Every formatter takes undefined (or null) for a value the hub
 * does not have and writes "N/A": a missing reading is never shown as 0.
 */
export const MISSING = "N/A";

type Maybe = number | null | undefined;

const present = (v: Maybe): v is number => typeof v === "number" && Number.isFinite(v);

/** 12.345 -> "12", with `digits` decimals when asked; large numbers grouped by thousands. */
export function formatNumber(v: Maybe, digits = 0): string {
  if (!present(v)) return MISSING;
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatPercent(v: Maybe, digits = 0): string {
  return present(v) ? `${formatNumber(v, digits)} %` : MISSING;
}

export function formatCelsius(v: Maybe): string {
  return present(v) ? `${formatNumber(v)} °C` : MISSING;
}

export function formatWatts(v: Maybe): string {
  return present(v) ? `${formatNumber(v, v < 10 ? 1 : 0)} W` : MISSING;
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** Binary units, as zpool, nvidia-smi (MiB) and free print them: 21474836480 -> "20.0 GiB". */
export function formatBytes(v: Maybe): string {
  if (!present(v)) return MISSING;
  let value = Math.abs(v);
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0);
  return `${v < 0 ? "-" : ""}${text} ${BINARY_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: Maybe): string {
  return present(bytesPerSecond) ? `${formatBytes(bytesPerSecond)}/s` : MISSING;
}

/** A span of time, two units at most: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: Maybe): string {
  if (!present(ms)) return MISSING;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** How long ago `at` was, seen at `now`: "12 s ago"; a time ahead of now (clock skew) reads "just now". */
export function formatAge(at: Maybe, now: number): string {
  if (!present(at)) return MISSING;
  return at >= now ? "just now" : `${formatDuration(now - at)} ago`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-11-23 14:03:11", in the browser's zone (or UTC when asked, for tests and logs). */
export function formatTime(ms: Maybe, zone: "local" | "utc" = "local"): string {
  if (!present(ms)) return MISSING;
  const d = new Date(ms);
  const [y, mo, day, h, mi, s] =
    zone === "utc"
      ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
      : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** Labels as Prometheus writes them, for a context line: {pool="tank", vdev="sda"} -> `pool=tank vdev=sda`. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}
