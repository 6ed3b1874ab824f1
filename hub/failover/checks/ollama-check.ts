import type { Secret } from "../../../shared/config/secret.ts";
import { type CheckContext, type CheckResult, fail, type HealthCheck, pass } from "./health-check.ts";
import { checkRequest, transportFailure, under } from "./http-request.ts";
import { parseOllamaGenerate, parseOllamaVersion } from "./parse-answers.ts";

export interface OllamaCheckOptions {
  url: string;
  headers: Readonly<Record<string, Secret>>;
  generate?: { model: string; prompt: string; every: number; timeout: number } | undefined;
  /** Ends a generation still running when the hub stops. */
  lifetime: AbortSignal;
}

/**
 * An Ollama server: GET /api/version answers with a version and, when `generate` is set, a
 * one-token generation with the model finishes. The generation may take far longer than a check
 * (a model loading from disk), so it runs beside the checks with its own timeout, at most every
 * `generate.every` (a GPU is not kept busy by health checks); each check counts its latest outcome.
 * So a model that stopped loading keeps failing the member until a generation succeeds again.
 * Before the first generation has finished, the version alone decides.
 */
export class OllamaCheck implements HealthCheck {
  readonly #o: OllamaCheckOptions;
  #generated: CheckResult | undefined;
  #startedAt: number | undefined;
  #running = false;

  constructor(o: OllamaCheckOptions) {
    this.#o = o;
  }

  async run(ctx: CheckContext): Promise<CheckResult> {
    let version: string;
    try {
      const res = await checkRequest(under(this.#o.url, "api/version"), { method: "GET", headers: this.#o.headers, signal: ctx.signal });
      if (res.status !== 200) return fail(`/api/version answered ${res.status}`);
      const parsed = parseOllamaVersion(res.text);
      if ("error" in parsed) return fail(`/api/version: ${parsed.error}`);
      version = parsed.value;
    } catch (err) {
      return fail(`/api/version: ${transportFailure(err)}`);
    }
    const g = this.#o.generate;
    if (g === undefined) return pass(`ollama ${version}`);
    if (!this.#running && (this.#startedAt === undefined || ctx.now - this.#startedAt >= g.every)) {
      this.#startedAt = ctx.now;
      this.#running = true;
      void this.#generate(g).then((r) => {
        this.#generated = r;
        this.#running = false;
      });
    }
    const last = this.#generated;
    if (last === undefined) return pass(`ollama ${version}, first generation with ${g.model} pending`);
    return last.ok ? pass(`ollama ${version}, ${last.detail}`) : last;
  }

  /** Never rejects: every failure is a result. */
  async #generate(g: NonNullable<OllamaCheckOptions["generate"]>): Promise<CheckResult> {
    const started = performance.now();
    const body = JSON.stringify({ model: g.model, prompt: g.prompt, stream: false, options: { num_predict: 1 } });
    try {
      const signal = AbortSignal.any([this.#o.lifetime, AbortSignal.timeout(g.timeout)]);
      const res = await checkRequest(under(this.#o.url, "api/generate"), { method: "POST", headers: this.#o.headers, body, signal });
      const parsed = parseOllamaGenerate(res.text);
      if (res.status !== 200) return fail(`generate with ${g.model} answered ${res.status}${"error" in parsed ? `: ${parsed.error}` : ""}`);
      if ("error" in parsed) return fail(`generate with ${g.model}: ${parsed.error}`);
      return pass(`${g.model} generated in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      return fail(`generate with ${g.model}: ${transportFailure(err)}`);
    }
  }
}
