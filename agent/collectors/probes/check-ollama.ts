import type { ProbeConfig } from "./config.ts";
import type { ProbeIo } from "./exec.ts";
import { getJsonText } from "./http-json.ts";
import { OllamaParseError, parseOllamaPs, parseOllamaTags, parseOllamaVersion, sameModel } from "./parse-ollama.ts";
import { type OllamaReading, ProbeFailure, type ProbeResult } from "./probe-result.ts";

type OllamaProbe = Extract<ProbeConfig, { kind: "ollama" }>;

/**
 * Asks one Ollama server, concurrently, for /api/version, /api/tags and /api/ps, and checks that the
 * expected models are installed. Whatever answered is reported even when another endpoint failed;
 * the probe's status is the first failure (version, then tags, then ps), else "missing_model" when
 * an expected model is not installed. A 404 on /api/ps is an Ollama older than that endpoint: no
 * loaded-model series, not a failure.
 */
export async function checkOllama(probe: OllamaProbe, io: ProbeIo, signal: AbortSignal): Promise<ProbeResult> {
  const base = probe.url.replace(/\/+$/, "");
  const get = async <T>(path: string, parse: (text: string) => T): Promise<T> => {
    const { status, text } = await getJsonText(io, `${base}${path}`, {}, signal);
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof OllamaParseError) throw new ProbeFailure("invalid_response", err.message, status);
      throw err;
    }
  };
  const [version, tags, ps] = await Promise.allSettled([
    get("/api/version", parseOllamaVersion),
    get("/api/tags", parseOllamaTags),
    get("/api/ps", parseOllamaPs),
  ]);
  const psMissing = ps.status === "rejected" && ps.reason instanceof ProbeFailure && ps.reason.httpStatus === 404;
  const reading: OllamaReading = {
    version: valueOf(version),
    installed: valueOf(tags),
    loaded: psMissing ? undefined : valueOf(ps),
  };
  for (const settled of psMissing ? [version, tags] : [version, tags, ps]) {
    if (settled.status === "rejected") {
      // Anything but a classified failure (an abort at the probe's timeout) is the runner's to classify.
      if (!(settled.reason instanceof ProbeFailure)) throw settled.reason;
      return { status: settled.reason.status, message: settled.reason.message, ollama: reading };
    }
  }
  const missing = probe.expectedModels.filter((wanted) => !(reading.installed ?? []).some((m) => sameModel(wanted, m.name)));
  if (missing.length > 0) return { status: "missing_model", message: `not installed: ${missing.join(", ")}`, ollama: reading };
  return { status: "ok", message: "ok", ollama: reading };
}

function valueOf<T>(settled: PromiseSettledResult<T>): T | undefined {
  return settled.status === "fulfilled" ? settled.value : undefined;
}
