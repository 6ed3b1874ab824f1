import type { Secret } from "../../shared/config/secret.ts";
import { backoffDelayMs, type BackoffPolicy, classifyHttpStatus } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { wrap } from "../../shared/protocol/envelope.ts";
import { traceparentOf } from "../../shared/telemetry/traceparent-of.ts";
import { withSpan } from "../../shared/telemetry/tracer.ts";
import { httpPost } from "../transport/http-post.ts";
import { DeliveryAcks } from "./delivery-acks.ts";
import type { HandledResult } from "./handle-request.ts";
import { httpGet } from "./http-get.ts";
import type { Redelivery } from "./redelivery.ts";

export interface ActionLinkOptions {
  hubUrl: string;
  agentId: string;
  token: () => Secret | undefined;
  handler: {
    handle(envelope: unknown): Promise<HandledResult>;
    /** What became of a request the hub hands over again (handle-request.ts); without it, it is handled anew. */
    redelivered?(envelope: unknown): Redelivery;
  };
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
/** The hub's answer header with a request's handover number (hub/actions/routes.ts). */
const DELIVERY_ATTEMPT_HEADER = "vigil-delivery-attempt";
/** On stop, running actions get this long to finish and be reported before the store closes. */
const STOP_GRACE_MS = 5_000;

/**
 * The agent's side of action delivery. Agents often sit behind NAT where the hub cannot reach them,
 * so the agent asks: a long poll `GET /api/v1/agent/actions/next` that the hub answers as soon as a
 * request is queued for this agent (or with 204 after ~25 s), then straight back to polling while
 * the request is handled, so requests for other targets are not held up. Each result is posted to
 * `POST /api/v1/agent/actions/:requestId/result`, retried with backoff while the hub is away.
 *
 * Each poll acks the requests received since the last answered one (delivery-acks.ts): a write into
 * a half-open connection looks delivered to the hub, so it hands a request over again until it hears
 * from this agent. A request handed over again is not run again (redelivery.ts).
 */
export class ActionLink {
  readonly #o: ActionLinkOptions;
  readonly #base: string;
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #acks = new DeliveryAcks();
  /** Request ids being handled or reported now, with how many tasks hold each. */
  readonly #busy = new Map<string, number>();
  #loop: Promise<void> | undefined;
  #lastError: string | undefined;
  readonly counters = { requests: 0, redeliveries: 0, resultsPosted: 0, resultsLost: 0 };

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
      const acks = this.#acks.toSend();
      const query = new URLSearchParams({ agentId: this.#o.agentId, delivery: "ack" });
      for (const id of acks) query.append("ack", id);
      const url = new URL(`api/v1/agent/actions/next?${query}`, this.#base);
      try {
        const res = await httpGet(url, this.#headers(), {
          timeoutMs: this.#o.pollTimeoutMs ?? 40_000,
          signal,
          maxBytes: MAX_REQUEST_BYTES,
        });
        if (res.status === 200 || res.status === 204) {
          failures = 0;
          this.#recovered();
          this.#acks.answered(acks, Date.now());
          if (res.status === 200) this.#received(parseJson(res.body), Number(res.headers[DELIVERY_ATTEMPT_HEADER] ?? 1));
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

  /**
   * One request from a poll: acked on the next poll, then handled, unless the hub hands it over again
   * (`attempt` > 1, never acked) and this agent has it already. A copy of a request already acked is
   * no redelivery, whatever it says: it goes to the handler, which refuses it as a replay.
   */
  #received(envelope: unknown, attempt: number): void {
    const { requestId, expiresAt } = idOf(envelope);
    const redelivery = requestId !== undefined && attempt > 1 && !this.#acks.acked(requestId);
    if (requestId !== undefined) this.#acks.received(requestId, expiresAt ?? Date.now());
    if (!redelivery) return this.#dispatch(envelope, requestId);
    this.counters.redeliveries++;
    const log = { requestId, attempt };
    if (this.#busy.has(requestId)) {
      this.#o.logger.info("action request handed over again by the hub; it is being handled, not run again", log);
      return;
    }
    let seen: Redelivery;
    try {
      seen = this.#o.handler.redelivered?.(envelope) ?? { kind: "new" };
    } catch (err) {
      this.#o.logger.error("a redelivered action request could not be looked up; it is not run again", { ...log, err });
      return;
    }
    if (seen.kind === "new") return this.#dispatch(envelope, requestId);
    if (seen.kind === "unfinished") {
      this.#o.logger.warn("action request handed over again was taken in before but never finished (the agent stopped); not run again", {
        ...log,
        status: seen.status,
      });
      return;
    }
    this.#o.logger.info("action request handed over again by the hub; handled before, its result is sent again", {
      ...log,
      status: seen.result.status,
    });
    this.#track(requestId, this.#post(seen.result));
  }

  #dispatch(envelope: unknown, requestId: string | undefined): void {
    this.counters.requests++;
    const task = this.#handle(envelope).then((result) => this.#post(result));
    this.#track(requestId, task);
  }

  #track(requestId: string | undefined, work: Promise<void>): void {
    if (requestId !== undefined) this.#busy.set(requestId, (this.#busy.get(requestId) ?? 0) + 1);
    const task = work
      .catch((err: unknown) => this.#o.logger.error("action request could not be handled", { err }))
      .finally(() => {
        this.#inFlight.delete(task);
        if (requestId === undefined) return;
        const left = (this.#busy.get(requestId) ?? 1) - 1;
        if (left > 0) this.#busy.set(requestId, left);
        else this.#busy.delete(requestId);
      });
    this.#inFlight.add(task);
  }

  /** The agent's span of one request, a child of the hub's when the request carries its traceparent. */
  #handle(envelope: unknown): Promise<HandledResult> {
    return withSpan(
      "execute action",
      {},
      async (span) => {
        const result = await this.#o.handler.handle(envelope);
        span.set({ "vigil.action.request_id": result.requestId, "vigil.action.name": result.action, "vigil.action.status": result.status });
        if (result.exitCode !== null) span.set({ "process.exit.code": result.exitCode });
        if (result.refusal) span.fail(result.refusal.code, result.refusal.message);
        else if (result.status === "failed" || result.status === "timed_out") span.fail(result.status);
        return result;
      },
      { parent: traceparentOf(envelope) },
    );
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

/** The request id and expiry of what a poll brought, read before any check: only used to ack and to track it. */
function idOf(envelope: unknown): { requestId: string | undefined; expiresAt: number | undefined } {
  const payload = envelope !== null && typeof envelope === "object" ? (envelope as { payload?: unknown }).payload : undefined;
  if (payload === null || typeof payload !== "object") return { requestId: undefined, expiresAt: undefined };
  const { requestId, expiresAt } = payload as { requestId?: unknown; expiresAt?: unknown };
  return {
    requestId: typeof requestId === "string" && REQUEST_ID.test(requestId) ? requestId : undefined,
    expiresAt: typeof expiresAt === "number" && Number.isFinite(expiresAt) ? expiresAt : undefined,
  };
}

const REQUEST_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

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
