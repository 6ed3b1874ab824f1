import type { Secret } from "../../../shared/config/secret.ts";
import { type CheckContext, type CheckResult, fail, type HealthCheck, pass } from "./health-check.ts";
import { checkRequest, transportFailure } from "./http-request.ts";

export interface HttpCheckOptions {
  url: string;
  method: "GET" | "HEAD";
  headers: Readonly<Record<string, Secret>>;
  /** Statuses that pass; any 2xx when undefined. */
  expectStatus?: readonly number[] | undefined;
}

/** Any HTTP endpoint: the answer's status must be one expected (any 2xx by default). */
export class HttpCheck implements HealthCheck {
  readonly #o: HttpCheckOptions;
  readonly #url: URL;

  constructor(o: HttpCheckOptions) {
    this.#o = o;
    this.#url = new URL(o.url);
  }

  async run(ctx: CheckContext): Promise<CheckResult> {
    try {
      const res = await checkRequest(this.#url, { method: this.#o.method, headers: this.#o.headers, signal: ctx.signal });
      const expected = this.#o.expectStatus;
      const ok = expected === undefined ? res.status >= 200 && res.status <= 299 : expected.includes(res.status);
      return ok
        ? pass(`HTTP ${res.status}`)
        : fail(`HTTP ${res.status}, expected ${expected === undefined ? "2xx" : expected.join(" or ")}`);
    } catch (err) {
      return fail(transportFailure(err));
    }
  }
}
