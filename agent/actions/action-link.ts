import type { Secret } from "../../shared/config/secret.ts";
import { backoffDelayMs, type BackoffPolicy, classifyHttpStatus } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { wrap } from "../../shared/protocol/envelope.ts";
import { httpPost } from "../transport/http-post.ts";
import type { HandledResult } from "./handle-request.ts";
import { httpGet } from "./http-get.ts";

export interface ActionLinkOptions {
  hubUrl: string;
  agentId: string;
  token: () => Secret | undefined;
  handler: { handle(envelope: unknown): Promise<HandledResult> };
  logger: Logger;
  backoff: BackoffPolicy;
  /** Limit of one result POST. */
  requestTimeoutMs: number;
  /** Client-side limit of one long poll; the hub answers 204 well before (after ~25 s). */
  pollTimeoutMs?: number;
  /** How long a result is retried while the hub cannot take it. */
  resultDeadlineMs?: number;
}

const MAX_REQUEST_BYTES = 256 * 1024;
/** On stop, running actions get this long to finish and be reported before the store closes. */
const STOP_GRACE_MS = 5_000;

/**
 * The agent's side of action delivery. Agents often sit behind NAT where the hub cannot reach them,
 * so the agent asks: a long poll `GET /api/v1/agent/actions/next` that the hub answers as soon as a
 * request is queued for this agent (or with 204 after ~25 s), then straight back to polling while
 * the request is handled, so requests for other targets are not held up. Each result is posted to
 * `POST /api/v1/agent/actions/:requestId/result`, retried with backoff while the hub is away.
 */
export class ActionLink {
  readonly #o: ActionLinkOptions;
  readonly #base: string;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #lastError: string | undefined;
  readonly counters = { requests: 0, resultsPosted: 0, resultsLost: 0 };

  constructor(o: ActionLinkOptions) {
    this.#o = o;
    this.#base = o.hubUrl.endsWith("/") ? o.hubUrl : `${o.hubUrl}/`;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.all(this.#inFlight), grace]);
    clearTimeout(timer);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      const url = new URL(`api/v1/agent/actions/next?agentId=${encodeURIComponent(this.#o.agentId)}`, this.#base);
      try {
        const res = await httpGet(url, this.#headers(), {
          timeoutMs: this.#o.pollTimeoutMs ?? 40_000,
          signal,
          maxBytes: MAX_REQUEST_BYTES,
        });
        if (res.status === 200) {
          failures = 0;
          this.#recovered();
          this.#dispatch(parseJson(res.body));
          continue;
        }
        if (res.status === 204) {
          failures = 0;
          this.#recovered();
          continue;
        }
        this.#failed(`the hub answered ${res.status} to ${url.pathname}: ${res.body.slice(0, 200)}`);
      } catch (err) {
        if (signal.aborted) break;
        const e = err as Error & { code?: string };
        this.#failed(`cannot reach the hub at ${this.#o.hubUrl}: ${e.code ?? e.name}: ${e.message}`);
      }
      await sleep(backoffDelayMs(failures++, this.#o.backoff), signal);
    }
  }

  #dispatch(envelope: unknown): void {
    this.counters.requests++;
    const task = this.#o.handler
      .handle(envelope)
      .then((result) => this.#post(result))
      .catch((err: unknown) => this.#o.logger.error("action request could not be handled", { err }));
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  async #post(result: HandledResult): Promise<void> {
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(wrap("action_result", result)));
    } catch (err) {
      // Only a request refused for being malformed (no UUID to answer to) gets here; the local audit has it.
      this.#o.logger.warn("action result not reported to the hub: the request it answers is unreadable", {
        requestId: result.requestId,
        err,
      });
      return;
    }
    const url = new URL(`api/v1/agent/actions/${encodeURIComponent(result.requestId)}/result`, this.#base);
    const deadline = Date.now() + (this.#o.resultDeadlineMs ?? 600_000);
    for (let attempt = 0; ; attempt++) {
      let why: string;
      try {
        const res = await httpPost(url, { ...this.#headers(), "content-type": "application/json" }, body, this.#o.requestTimeoutMs);
        const decision = classifyHttpStatus(res.status);
        if (decision === "success") {
          this.counters.resultsPosted++;
          return;
        }
        why = `the hub answered ${res.status}: ${res.body.slice(0, 200)}`;
        if (decision === "failure") break;
      } catch (err) {
        const e = err as Error & { code?: string };
        why = `cannot reach the hub: ${e.code ?? e.name}: ${e.message}`;
      }
      const wait = backoffDelayMs(attempt, this.#o.backoff);
      if (Date.now() + wait > deadline) {
        this.counters.resultsLost++;
        this.#o.logger.warn("action result not delivered to the hub; it stays in this agent's audit", { requestId: result.requestId, why });
        return;
      }
      await sleep(wait);
    }
    this.counters.resultsLost++;
    this.#o.logger.warn("the hub refused an action result; it stays in this agent's audit", { requestId: result.requestId });
  }

  #headers(): Record<string, string> {
    const token = this.#o.token();
    return token ? { authorization: `Bearer ${token.reveal()}`, accept: "application/json" } : { accept: "application/json" };
  }

  /** One log line per outage, not one per retry. */
  #failed(why: string): void {
    if (why !== this.#lastError) this.#o.logger.warn("fetching action requests from the hub failed; retrying", { why });
    this.#lastError = why;
  }

  #recovered(): void {
    if (this.#lastError !== undefined) this.#o.logger.info("fetching action requests from the hub again");
    this.#lastError = undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
