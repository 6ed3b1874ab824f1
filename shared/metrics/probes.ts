import { defineCatalog } from "./catalog.ts";

/** Why a probe failed, or "ok": the value of `vigil_probe_status`, one class per thing a person would fix differently. */
export const PROBE_STATUSES = [
  "ok",
  "timeout",
  "refused",
  "bad_status",
  "body_mismatch",
  "body_too_large",
  "invalid_response",
  "stale",
  "missing_model",
  "error",
] as const;
export type ProbeStatus = (typeof PROBE_STATUSES)[number];

/**
 * What the probes collector emits: HTTP, TCP, freshness and Ollama checks configured under
 * `collectors.probes.probes`. Every series carries `probe`, the probe's configured name.
 */
export const PROBES_CATALOG = defineCatalog({
  collector: "probes",
  series: {
    up: {
      name: "vigil_probe_up",
      type: "gauge",
      help: "1 when the probe's last check passed, 0 when it failed (vigil_probe_status says why).",
      labels: ["probe", "kind"],
    },
    durationSeconds: {
      name: "vigil_probe_duration_seconds",
      type: "gauge",
      help: "Wall time of the probe's last check, failed checks included (a timeout takes the probe's timeout).",
      labels: ["probe", "kind"],
    },
    httpStatusCode: {
      name: "vigil_probe_http_status_code",
      type: "gauge",
      help: "HTTP status of the last response (http probes and freshness over HTTP); absent when no response came.",
      labels: ["probe"],
    },
    freshnessAgeSeconds: {
      name: "vigil_freshness_age_seconds",
      type: "gauge",
      help: "Seconds between the checked timestamp (file mtime, JSON field, command output) and now; negative when it lies ahead.",
      labels: ["probe"],
    },
    freshnessMaxAgeSeconds: {
      name: "vigil_freshness_max_age_seconds",
      type: "gauge",
      help: "The configured maxAge of the freshness probe, so a rule can compare it with vigil_freshness_age_seconds.",
      labels: ["probe"],
    },
    freshnessTimestampSeconds: {
      name: "vigil_freshness_timestamp_seconds",
      type: "gauge",
      help: "The checked timestamp itself, in seconds since the epoch.",
      labels: ["probe"],
    },
    ollamaUp: {
      name: "vigil_ollama_up",
      type: "gauge",
      help: "1 when the Ollama server answered /api/version, /api/tags and /api/ps, 0 otherwise.",
      labels: ["probe"],
    },
    ollamaModelPresent: {
      name: "vigil_ollama_model_present",
      type: "gauge",
      help: "1 when an expected model is installed (listed by /api/tags), 0 when it is not.",
      labels: ["probe", "model"],
    },
    ollamaModelsInstalled: {
      name: "vigil_ollama_models_installed",
      type: "gauge",
      help: "Number of models /api/tags lists.",
      labels: ["probe"],
    },
    ollamaModelsLoaded: {
      name: "vigil_ollama_models_loaded",
      type: "gauge",
      help: "Number of models /api/ps lists as loaded.",
      labels: ["probe"],
    },
    ollamaLoadedModelSizeBytes: {
      name: "vigil_ollama_loaded_model_size_bytes",
      type: "gauge",
      help: "Memory a loaded model takes in all (/api/ps size).",
      labels: ["probe", "model"],
    },
    ollamaLoadedModelVramBytes: {
      name: "vigil_ollama_loaded_model_vram_bytes",
      type: "gauge",
      help: "Part of a loaded model held in GPU memory (/api/ps size_vram); below the size when partly offloaded to CPU.",
      labels: ["probe", "model"],
    },
    ollamaLoadedModelExpiresTimestampSeconds: {
      name: "vigil_ollama_loaded_model_expires_timestamp_seconds",
      type: "gauge",
      help: "When Ollama will unload the model (/api/ps expires_at), in seconds since the epoch.",
      labels: ["probe", "model"],
    },
    ollamaLoadedModelContextLength: {
      name: "vigil_ollama_loaded_model_context_length",
      type: "gauge",
      help: "Context length, in tokens, the model was loaded with (/api/ps context_length, newer Ollama only).",
      labels: ["probe", "model"],
    },
  },
  states: {
    status: {
      name: "vigil_probe_status",
      help: "The outcome class of the probe's last check: ok, or why it failed.",
      labels: ["probe", "kind"],
      values: PROBE_STATUSES,
    },
    message: {
      name: "vigil_probe_message",
      help: 'What went wrong in the last check, for people (at most 64 characters, longer ones cut with "…"); "ok" when it passed.',
      labels: ["probe", "kind"],
    },
    ollamaVersion: {
      name: "vigil_ollama_version",
      help: "The Ollama server's version, from /api/version.",
      labels: ["probe"],
    },
  },
});
