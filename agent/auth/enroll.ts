import type { EnrollRequest } from "../../shared/api/agent-tokens.ts";
import { Secret } from "../../shared/config/secret.ts";
import { type BackoffPolicy, classifyHttpStatus, parseRetryAfter, retryDelayMs } from "../../shared/http/delivery.ts";
import type { Logger } from "../../shared/log/logger.ts";
import { httpPost } from "../transport/http-post.ts";
import { errorDetail, parseJson, readIssuedToken } from "../transport/hub-answers.ts";

/** The hub will never give this agent a token with what it has: stop and tell the operator. */
export class EnrollmentRefusedError extends Error {
  override readonly name = "EnrollmentRefusedError";
  readonly status: number;
  /** The config path the operator should look at. */
  readonly configPath: string;
  constructor(message: string, status: number, configPath: string) {
    super(message);
    this.status = status;
    this.configPath = configPath;
  }
}

export interface EnrollOptions {
  hubUrl: string;
  enrollmentToken: Secret;
  agentId: string;
  hostname: string;
  timeoutMs: number;
  backoff: BackoffPolicy;
  logger: Logger;
  signal?: AbortSignal;
  post?: typeof httpPost;
  now?: () => number;
}

/**
 * Asks the hub for this agent's token with the enrollment token (`hub.enrollmentToken`). While the
 * hub cannot be reached or answers 429/5xx it retries with backoff (Retry-After honoured), logging
 * each new reason once; a refusal (401/403 bad enrollment token, 409 id already enrolled, another 4xx)
 * ends with EnrollmentRefusedError. Neither token is ever logged.
 */
export async function enroll(o: EnrollOptions): Promise<Secret> {
  const post = o.post ?? httpPost;
  const url = new URL("api/v1/enroll", o.hubUrl.endsWith("/") ? o.hubUrl : `${o.hubUrl}/`);
  const request: EnrollRequest = { agentId: o.agentId, hostname: o.hostname };
  const body = Buffer.from(JSON.stringify(request));
  let lastReason: string | undefined;
  for (let attempt = 0; ; attempt++) {
    o.signal?.throwIfAborted();
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const res = await post(
        url,
        { "content-type": "application/json", authorization: `Bearer ${o.enrollmentToken.reveal()}` },
        body,
        o.timeoutMs,
      );
      const detail = errorDetail(res.body);
      const decision = classifyHttpStatus(res.status);
      if (decision === "success") {
        const answer = readIssuedToken(parseJson(res.body));
        if (answer.ok && answer.value.agentId === o.agentId) return new Secret(answer.value.token, "enrollment");
        const why = answer.ok ? `the token is for ${JSON.stringify(answer.value.agentId.slice(0, 130))}` : answer.reason;
        throw new EnrollmentRefusedError(
          `the hub answered ${res.status} to enrollment without a usable token for ${o.agentId} (${why})`,
          res.status,
          "hub.url",
        );
      }
      if (decision === "auth") {
        throw new EnrollmentRefusedError(
          `the hub refused the enrollment token (${res.status}${detail}); check it, or give the agent its token in hub.token`,
          res.status,
          "hub.enrollmentToken",
        );
      }
      if (res.status === 409) {
        throw new EnrollmentRefusedError(
          `the hub already holds a token for agent id "${o.agentId}" (409${detail}); put that token in hub.token (vigil hosts add prints one), or remove the host at the hub`,
          409,
          "agent.id",
        );
      }
      if (decision === "failure") {
        throw new EnrollmentRefusedError(`the hub refused enrollment (${res.status}${detail})`, res.status, "hub.url");
      }
      reason = `hub answered ${res.status}${detail}`;
      const ra = res.headers["retry-after"];
      retryAfterMs = parseRetryAfter(Array.isArray(ra) ? ra[0] : ra, (o.now ?? Date.now)()) ?? undefined;
    } catch (err) {
      if (err instanceof EnrollmentRefusedError) throw err;
      const e = err as Error & { code?: string };
      reason = `cannot reach the hub at ${o.hubUrl}: ${e.code ?? e.name}: ${e.message}`;
    }
    const delay = retryDelayMs({ kind: "retryable", reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }, attempt, o.backoff);
    if (reason !== lastReason) o.logger.warn("enrollment with the hub failed; will retry", { reason, retryInMs: delay });
    lastReason = reason;
    await sleep(delay, o.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
