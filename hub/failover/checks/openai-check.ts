import type { Secret } from "../../../shared/config/secret.ts";
import { type CheckContext, type CheckResult, fail, type HealthCheck, pass } from "./health-check.ts";
import { checkRequest, transportFailure, under } from "./http-request.ts";
import { parseModelIds } from "./parse-answers.ts";

export interface OpenAiCheckOptions {
  /** The server's base URL, without /v1. */
  url: string;
  headers: Readonly<Record<string, Secret>>;
  /** A model id the list must contain. */
  model?: string | undefined;
}

/** An OpenAI-compatible server (vLLM, llama.cpp, Ollama's /v1): GET /v1/models lists models, `model` among them when set. */
export class OpenAiCheck implements HealthCheck {
  readonly #o: OpenAiCheckOptions;

  constructor(o: OpenAiCheckOptions) {
    this.#o = o;
  }

  async run(ctx: CheckContext): Promise<CheckResult> {
    try {
      const res = await checkRequest(under(this.#o.url, "v1/models"), { method: "GET", headers: this.#o.headers, signal: ctx.signal });
      if (res.status !== 200) return fail(`/v1/models answered ${res.status}`);
      const parsed = parseModelIds(res.text);
      if ("error" in parsed) return fail(`/v1/models: ${parsed.error}`);
      const ids = parsed.value;
      if (this.#o.model !== undefined && !ids.includes(this.#o.model)) {
        return fail(`/v1/models does not list ${this.#o.model} (${ids.length} models)`);
      }
      return pass(`${ids.length} model${ids.length === 1 ? "" : "s"}`);
    } catch (err) {
      return fail(`/v1/models: ${transportFailure(err)}`);
    }
  }
}
