import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RecorderOptions {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Sleeps this long in a child process (not exec'd: a grandchild holding the pipes, like sudo -> systemctl). */
  sleepSeconds?: number;
  /** Writes "start <ns>" and "end <ns>" lines to <name>.times around the sleep. */
  times?: boolean;
}

/**
 * Writes an executable `name` into `dir` that appends its exact argv to `<name>.calls` (each
 * argument ended by a NUL byte, each call by a newline, so spaces, quotes and newlines inside
 * arguments stay apart), then answers as told. Test-only: a small sh script; the agent starts it
 * without a shell, through its argv.
 */
export function writeArgvRecorder(dir: string, name: string, o: RecorderOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const path = join(dir, name);
  const calls = `${path}.calls`;
  const times = `${path}.times`;
  const lines = [
    "#!/bin/sh",
    `{ for a in "$@"; do printf '%s\\000' "$a"; done; printf '\\n'; } >> ${q(calls)}`,
    o.times ? `echo "start $(date +%s%N)" >> ${q(times)}` : "",
    o.sleepSeconds !== undefined ? `sleep ${o.sleepSeconds} & echo $! > ${q(`${path}.sleeper`)}; wait` : "",
    o.times ? `echo "end $(date +%s%N)" >> ${q(times)}` : "",
    o.stdout !== undefined ? `printf '%s' ${q(o.stdout)}` : "",
    o.stderr !== undefined ? `printf '%s' ${q(o.stderr)} >&2` : "",
    `exit ${o.exitCode ?? 0}`,
  ].filter((l) => l !== "");
  writeFileSync(path, `${lines.join("\n")}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Every recorded call's argv (without argv[0]), oldest first. */
export function recordedCalls(path: string): string[][] {
  const file = `${path}.calls`;
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  const calls: string[][] = [];
  let current: string[] = [];
  let arg = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\0") {
      current.push(arg);
      arg = "";
    } else if (ch === "\n" && arg === "") {
      calls.push(current);
      current = [];
    } else arg += ch;
  }
  return calls;
}

/** [start, end] in ms of each run, from <name>.times. */
export function recordedSpans(path: string): Array<[number, number]> {
  const file = `${path}.times`;
  if (!existsSync(file)) return [];
  const starts: number[] = [];
  const spans: Array<[number, number]> = [];
  for (const line of readFileSync(file, "utf8").trim().split("\n")) {
    const [kind, ns] = line.split(" ");
    const ms = Number(BigInt(ns ?? "0") / 1_000_000n);
    if (kind === "start") starts.push(ms);
    else spans.push([starts.shift() ?? Number.NaN, ms]);
  }
  return spans;
}

/** The pid of the recorder's sleeping child, once it started. */
export function sleeperPid(path: string): number | undefined {
  const file = `${path}.sleeper`;
  return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : undefined;
}
