import { checkFreshness } from "./check-freshness.ts";
import { checkHttp } from "./check-http.ts";
import { checkOllama } from "./check-ollama.ts";
import type { ProbeConfig } from "./config.ts";
import { type ProbeIo, untilAborted } from "./exec.ts";
import { passed, ProbeFailure, type ProbeResult } from "./probe-result.ts";

export interface TimedProbeResult extends ProbeResult {
  durationSeconds: number;
}

/**
 * Runs one check of one probe within the probe's own timeout, and turns every way it can end into a
 * result: a probe failing is data, so nothing but a bug escapes from here. Whatever the check left
 * running (the other Ollama requests after one failed, a socket at the timeout) is aborted when it ends.
 */
export async function runProbe(probe: ProbeConfig, io: ProbeIo, cycleSignal: AbortSignal, now: () => number): Promise<TimedProbeResult> {
  const timeout = AbortSignal.timeout(probe.timeout);
  const finished = new AbortController();
  const signal = AbortSignal.any([cycleSignal, timeout, finished.signal]);
  const t0 = performance.now();
  let result: ProbeResult;
  try {
    // untilAborted: a check waiting on something that ignores the signal still ends at the timeout.
    result = await untilAborted(check(probe, io, signal, now), signal);
  } catch (err) {
    result = failure(err, probe, timeout, cycleSignal);
  } finally {
    finished.abort();
  }
  return { ...result, durationSeconds: (performance.now() - t0) / 1000 };
}

function check(probe: ProbeConfig, io: ProbeIo, signal: AbortSignal, now: () => number): Promise<ProbeResult> {
  switch (probe.kind) {
    case "http":
      return checkHttp(probe, io, signal);
    case "tcp":
      return io.tcpConnect(probe.host, probe.port, signal).then(() => passed());
    case "freshness":
      return checkFreshness(probe, io, signal, now);
    case "ollama":
      return checkOllama(probe, io, signal);
  }
}

function failure(err: unknown, probe: ProbeConfig, timeout: AbortSignal, cycleSignal: AbortSignal): ProbeResult {
  if (timeout.aborted) return { status: "timeout", message: `no answer within ${probe.timeout} ms` };
  if (err instanceof ProbeFailure) {
    return err.httpStatus === undefined
      ? { status: err.status, message: err.message }
      : { status: err.status, message: err.message, httpStatus: err.httpStatus };
  }
  if (cycleSignal.aborted) return { status: "error", message: "the collector's cycle timed out first" };
  return { status: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
