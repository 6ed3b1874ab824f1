import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { PROBES_CATALOG } from "../../../shared/metrics/probes.ts";
import type { NumericSample, StateRecord } from "../../../shared/protocol/samples.ts";
import type { Observations } from "../collector.ts";
import type { ProbeConfig } from "./config.ts";
import { sameModel } from "./parse-ollama.ts";
import type { OllamaReading } from "./probe-result.ts";
import type { TimedProbeResult } from "./run-probe.ts";

const M = seriesNames(PROBES_CATALOG);
const S = PROBES_CATALOG.states;

/** States are at most 64 characters on the wire. */
const MESSAGE_MAX = 64;

/**
 * The series and states of one probe's check. What was not learned gives no sample (a refused
 * freshness source has no age, an unreachable Ollama no model counts), never a 0; the configured
 * maxAge is always reported, so a rule comparing age with it has both sides whenever the age exists.
 */
export function probeObservations(probe: ProbeConfig, result: TimedProbeResult, timestamp: number): Observations {
  const samples: NumericSample[] = [];
  const states: StateRecord[] = [];
  const add = (name: string, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) samples.push({ name, labels, timestamp, value });
  };
  const id = { probe: probe.name };
  const withKind = { probe: probe.name, kind: probe.kind };

  add(M.up, withKind, result.status === "ok" ? 1 : 0);
  add(M.durationSeconds, withKind, result.durationSeconds);
  add(M.httpStatusCode, id, result.httpStatus);
  states.push({ name: S.status.name, labels: withKind, timestamp, state: result.status });
  states.push({ name: S.message.name, labels: withKind, timestamp, state: shorten(result.message) });

  if (probe.kind === "freshness") {
    add(M.freshnessMaxAgeSeconds, id, probe.maxAge / 1000);
    add(M.freshnessAgeSeconds, id, result.freshness?.ageSeconds);
    add(M.freshnessTimestampSeconds, id, result.freshness === undefined ? undefined : result.freshness.timestampMs / 1000);
  }
  if (probe.kind === "ollama") {
    const ollama = result.ollama;
    add(M.ollamaUp, id, ollama?.version === undefined ? 0 : 1);
    if (ollama?.version !== undefined) states.push({ name: S.ollamaVersion.name, labels: id, timestamp, state: shorten(ollama.version) });
    if (ollama !== undefined) ollamaModels(probe.name, probe.expectedModels, ollama, add);
  }
  return { samples, states };
}

function ollamaModels(
  probe: string,
  expected: readonly string[],
  ollama: OllamaReading,
  add: (name: string, labels: Record<string, string>, value: number | undefined) => void,
): void {
  const installed = ollama.installed;
  if (installed !== undefined) {
    add(M.ollamaModelsInstalled, { probe }, installed.length);
    for (const model of expected) {
      const present = installed.some((m) => sameModel(model, m.name));
      add(M.ollamaModelPresent, { probe, model }, present ? 1 : 0);
    }
  }
  const loaded = ollama.loaded;
  if (loaded === undefined) return;
  add(M.ollamaModelsLoaded, { probe }, loaded.length);
  for (const m of loaded) {
    const labels = { probe, model: m.name };
    add(M.ollamaLoadedModelSizeBytes, labels, m.sizeBytes);
    add(M.ollamaLoadedModelVramBytes, labels, m.vramBytes);
    add(M.ollamaLoadedModelExpiresTimestampSeconds, labels, m.expiresAtMs === undefined ? undefined : m.expiresAtMs / 1000);
    add(M.ollamaLoadedModelContextLength, labels, m.contextLength);
  }
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim() || "-";
  return oneLine.length > MESSAGE_MAX ? `${oneLine.slice(0, MESSAGE_MAX - 1)}…` : oneLine;
}
