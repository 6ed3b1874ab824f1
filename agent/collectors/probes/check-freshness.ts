import { basename } from "node:path";
import { displayCommand } from "../../../shared/process/run-command.ts";
import type { ProbeConfig } from "./config.ts";
import type { ProbeIo } from "./exec.ts";
import { getJsonText, revealHeaders } from "./http-json.ts";
import { parseJsonPath, selectJsonPath } from "./json-path.ts";
import { parseTimestamp } from "./parse-timestamp.ts";
import { ProbeFailure, type ProbeResult } from "./probe-result.ts";

type FreshnessProbe = Extract<ProbeConfig, { kind: "freshness" }>;

/**
 * Reads the source's timestamp and compares its age with maxAge. A timestamp that cannot be read
 * fails with "invalid_response" naming the JSON path or the command; one older than maxAge is "stale",
 * with the age still reported.
 */
export async function checkFreshness(probe: FreshnessProbe, io: ProbeIo, signal: AbortSignal, now: () => number): Promise<ProbeResult> {
  const read = await readTimestamp(probe, io, signal);
  const ageSeconds = (now() - read.timestampMs) / 1000;
  const freshness = { timestampMs: read.timestampMs, ageSeconds };
  const maxAgeSeconds = probe.maxAge / 1000;
  if (ageSeconds > maxAgeSeconds) {
    return {
      status: "stale",
      message: `${Math.round(ageSeconds)} s old, over maxAge ${maxAgeSeconds} s`,
      httpStatus: read.httpStatus,
      freshness,
    };
  }
  return { status: "ok", message: "ok", httpStatus: read.httpStatus, freshness };
}

async function readTimestamp(
  probe: FreshnessProbe,
  io: ProbeIo,
  signal: AbortSignal,
): Promise<{ timestampMs: number; httpStatus?: number }> {
  const source = probe.source;
  switch (source.type) {
    case "file":
      return { timestampMs: await io.fileMtimeMs(source.path, signal) };
    case "http": {
      const got = await getJsonText(io, source.url, revealHeaders(source.headers), signal);
      const httpStatus = got.status;
      let json: unknown;
      try {
        json = JSON.parse(got.text);
      } catch (err) {
        throw new ProbeFailure("invalid_response", `the answer is not JSON (${(err as Error).message})`, httpStatus);
      }
      // The config schema checked the path already; undefined here would be a bug, reported as such.
      const steps = parseJsonPath(source.jsonPath);
      if (steps === undefined) throw new ProbeFailure("error", `${source.jsonPath}: not a JSON path`);
      const selected = selectJsonPath(json, steps);
      if (!selected.found) throw new ProbeFailure("invalid_response", `${source.jsonPath}: ${selected.reason}`, httpStatus);
      const ts = parseTimestamp(selected.value);
      if (!ts.ok) throw new ProbeFailure("invalid_response", `${source.jsonPath}: ${ts.reason}`, httpStatus);
      return { timestampMs: ts.ms, httpStatus };
    }
    case "command": {
      // The program's base name: messages are cut to 64 characters, and the probe's name says which one it is.
      const shown = displayCommand(basename(source.argv[0] ?? ""), source.argv.slice(1));
      const lines = (await io.command(source.argv, probe.timeout, signal)).split("\n").filter((l) => l.trim() !== "");
      const [line] = lines;
      if (line === undefined) throw new ProbeFailure("invalid_response", `${shown}: printed nothing; expected one timestamp`);
      if (lines.length > 1) throw new ProbeFailure("invalid_response", `${shown}: printed ${lines.length} lines; expected one timestamp`);
      const ts = parseTimestamp(line);
      if (!ts.ok) throw new ProbeFailure("invalid_response", `${shown}: ${ts.reason}`);
      return { timestampMs: ts.ms };
    }
  }
}
