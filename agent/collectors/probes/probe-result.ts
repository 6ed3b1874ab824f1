import type { ProbeStatus } from "../../../shared/metrics/probes.ts";
import type { InstalledModel, LoadedModel } from "./parse-ollama.ts";

export type FailedStatus = Exclude<ProbeStatus, "ok">;

/** What one Ollama server told us; a part is absent when its endpoint did not answer. */
export interface OllamaReading {
  version: string | undefined;
  installed: InstalledModel[] | undefined;
  /** Absent also when the server has no /api/ps (versions before it answer 404). */
  loaded: LoadedModel[] | undefined;
}

/** The outcome of one check of one probe. A failed check is a result like any other, never a thrown error past the runner. */
export interface ProbeResult {
  status: ProbeStatus;
  /** For people: "ok", or what went wrong ("connect ECONNREFUSED 127.0.0.1:5432"). */
  message: string;
  /** The HTTP status of the answer, when one came (http probes, freshness over HTTP). */
  httpStatus?: number;
  /** The freshness timestamp read, in ms since the epoch, and its age in seconds at the time it was read. */
  freshness?: { timestampMs: number; ageSeconds: number };
  ollama?: OllamaReading;
}

/** Thrown by the probe I/O and checks to end a check with a classified failure. */
export class ProbeFailure extends Error {
  override readonly name = "ProbeFailure";
  readonly status: FailedStatus;
  readonly httpStatus: number | undefined;
  constructor(status: FailedStatus, message: string, httpStatus?: number) {
    super(message);
    this.status = status;
    this.httpStatus = httpStatus;
  }
}

export function passed(extra: Omit<ProbeResult, "status" | "message"> = {}): ProbeResult {
  return { status: "ok", message: "ok", ...extra };
}
