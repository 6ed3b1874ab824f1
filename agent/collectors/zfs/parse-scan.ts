import { parseCtime, parsePercent, parseSize, parseZpoolDuration } from "./parse-values.ts";

export type ScanFunction = "scrub" | "resilver";
export type ScanPhase = "none" | "in_progress" | "paused" | "finished" | "canceled" | "unrecognized";

/** A pool's `scan:` entry (or the old Solaris ` scrub:` one). Fields zpool did not print are absent. */
export interface ScanStatus {
  /** Absent for "none requested" and text of no known shape. */
  function?: ScanFunction;
  phase: ScanPhase;
  /** The top-level vdev of a sequential resilver (`resilvered (mirror-0) ...`). */
  vdev?: string;
  /** Unix seconds (the host's local time, as zpool prints it). */
  startTimestamp?: number;
  endTimestamp?: number;
  durationSeconds?: number;
  /** `scrub repaired 1M`, `resilvered 1.41M`, `0B repaired, 0.00% done`: rounded, as printed. */
  repairedBytes?: number;
  /** `with N errors`. */
  errors?: number;
  progressPercent?: number;
  /** `01:02:03 to go`; absent with `no estimated completion time`. */
  remainingSeconds?: number;
}

type FirstLine = (m: RegExpExecArray) => ScanStatus;

const fn = (text: string | undefined): ScanFunction => (text === "resilver" ? "resilver" : "scrub");

/**
 * The first line's shapes, newest first. OpenZFS prints these from print_scan_scrub_resilver_status
 * and print_rebuild_status (cmd/zpool/zpool_main.c); the `completed after` / `in progress for` ones are
 * Solaris and early ZFS-on-Linux.
 */
const FIRST_LINES: [RegExp, FirstLine][] = [
  [/^none requested$/, () => ({ phase: "none" })],
  [
    /^(scrub|resilver)(?: \((.+?)\))? in progress since (.+)$/,
    (m) => withVdev({ function: fn(m[1]), phase: "in_progress", startTimestamp: parseCtime(m[3] ?? "") }, m[2]),
  ],
  [/^scrub paused since (.+)$/, () => ({ function: "scrub", phase: "paused" })],
  [
    // `in <snip>` (a shortened sample) keeps what it has: the repaired bytes.
    /^scrub repaired (\S+) in (.+?)(?: with (\d+) errors on (.+))?$/,
    (m) => finished("scrub", undefined, m[1], m[2], m[3], m[4]),
  ],
  [/^resilvered(?: \((.+?)\))? (\S+) in (.+?)(?: with (\d+) errors on (.+))?$/, (m) => finished("resilver", m[1], m[2], m[3], m[4], m[5])],
  [
    /^(scrub|resilver)(?: \((.+?)\))? canceled on (.+)$/,
    (m) => withVdev({ function: fn(m[1]), phase: "canceled", endTimestamp: parseCtime(m[3] ?? "") }, m[2]),
  ],
  [/^(scrub|resilver) completed after (\S+) with (\d+) errors on (.+)$/, (m) => finished(fn(m[1]), undefined, undefined, m[2], m[3], m[4])],
  [
    /^(scrub|resilver) stopped after (\S+) with (\d+) errors on (.+)$/,
    (m) => ({ function: fn(m[1]), phase: "canceled", endTimestamp: parseCtime(m[4] ?? "") }),
  ],
  [
    /^(scrub|resilver) in progress for (\S+), ([\d.]+)% done, (\S+) to go$/,
    (m) => ({
      function: fn(m[1]),
      phase: "in_progress",
      progressPercent: parsePercent(m[3]),
      remainingSeconds: parseZpoolDuration(m[4] ?? ""),
    }),
  ],
];

/**
 * Parses a scan entry: `text` is what follows `scan:` on its line, `more` the indented lines after it
 * (progress of a running scan). Text of no known shape gives `phase: "unrecognized"` rather than an
 * error: a newer zpool's wording must not cost the pool's health and vdev tree.
 */
export function parseScan(text: string, more: readonly string[] = []): ScanStatus {
  const first = text.trim();
  let status: ScanStatus = { phase: "unrecognized" };
  for (const [pattern, build] of FIRST_LINES) {
    const m = pattern.exec(first);
    if (m) {
      status = build(m);
      break;
    }
  }
  if (status.phase === "in_progress" || status.phase === "paused") addProgress(status, more.map((l) => l.trim()).join("\n"));
  return dropUndefined(status);
}

function finished(
  func: ScanFunction,
  vdev: string | undefined,
  repaired: string | undefined,
  duration: string | undefined,
  errors: string | undefined,
  end: string | undefined,
): ScanStatus {
  return withVdev(
    {
      function: func,
      phase: "finished",
      repairedBytes: parseSize(repaired),
      durationSeconds: duration === undefined ? undefined : parseZpoolDuration(duration),
      errors: errors === undefined ? undefined : Number(errors),
      endTimestamp: end === undefined ? undefined : parseCtime(end),
    },
    vdev,
  );
}

function withVdev(status: ScanStatus, vdev: string | undefined): ScanStatus {
  return vdev === undefined ? status : { ...status, vdev };
}

/**
 * The progress lines of a running scan, in their three eras:
 * `0B repaired, 0.00% done, no estimated completion time` / `200G resilvered, 23.19% done, 00:51:23 to go`
 * (OpenZFS 2.x), `... done, 0 days 00:51:23 to go` (0.8), and 0.7's `... scanned out of ... at 178M/s, 2h10m to go`
 * followed by `0B repaired, 51.63% done`.
 */
function addProgress(status: ScanStatus, text: string): void {
  const done = /(\S+) (?:repaired|resilvered), (\d+(?:[.,]\d+)?)% done/.exec(text);
  if (done) {
    status.repairedBytes = parseSize(done[1]);
    status.progressPercent = parsePercent(done[2]);
  }
  const toGo = /, ((?:\d+ days? )?\d+:\d{2}:\d{2}|\d+h\d+m) to go/.exec(text);
  if (toGo && status.phase === "in_progress") status.remainingSeconds = parseZpoolDuration(toGo[1] ?? "");
  const started = /^scrub started on (.+)$/m.exec(text);
  if (started) status.startTimestamp = parseCtime(started[1] ?? "");
}

function dropUndefined(status: ScanStatus): ScanStatus {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as unknown as ScanStatus;
}
