import { randomUUID } from "node:crypto";
import { type ActionRecord, FINAL_STATUSES, type runActionRequest } from "../../shared/actions/api.ts";
import { formatPublicKey, signActionRequest, type UnsignedActionRequest } from "../../shared/actions/signing.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { ActionResult } from "../../shared/protocol/action.ts";
import { wrap } from "../../shared/protocol/envelope.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { currentTraceparent, withSpan } from "../../shared/telemetry/tracer.ts";
import type { z } from "zod";
import { ActionDelivery, type TakenRequest } from "./action-delivery.ts";
import { ActionStore } from "./action-store.ts";
import type { Operator } from "./operator-auth.ts";
import type { SigningKey } from "./signing-key.ts";
import { Wakeups } from "./wakeups.ts";

export interface HubActionsOptions {
  db: Db;
  key: SigningKey;
  /** confirmTimeout: how long a delivery waits for the agent's ack before it is handed over again (default 5 s). */
  timing: { requestTtl: number; resultWait: number; pollTimeout: number; confirmTimeout?: number };
  /** Whether the hub knows this agent (it has reported, or holds a token): requests for others are refused. */
  hostKnown: (agentId: string) => boolean;
  logger: Logger;
  now?: () => number;
  /** Told of each request queued or refused here, and of each result an agent reports (the hub's metrics). */
  onRequest?: (outcome: "queued" | "host_not_found") => void;
  onResult?: (status: ActionResult["status"]) => void;
}

export type RunActionBody = z.output<typeof runActionRequest>;

/** What a poll says besides who polls: whether its agent acks deliveries, and what it acks now. */
export interface PollOptions {
  /** The agent acks each request it receives on its next poll: keep the request until it does. */
  confirms?: boolean;
  /** Request ids the agent received since its last answered poll. */
  acks?: readonly string[];
}

/**
 * The hub's side of actions: it signs what an operator asks for, queues it for the agent, hands it
 * over on the agent's long poll, records the agent's result, and lets the operator wait (bounded)
 * for that result. The queue and the audit are one table (ActionStore); waiting is in memory.
 */
export class HubActions {
  readonly store: ActionStore;
  readonly delivery: ActionDelivery;
  /** `ed25519:<base64>`, what agents put in actions.hubPublicKey. */
  readonly publicKey: string;
  readonly #o: HubActionsOptions;
  readonly #now: () => number;
  readonly #polls = new Wakeups();
  readonly #results = new Wakeups();
  readonly #lastPoll = new Map<string, number>();

  constructor(o: HubActionsOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.store = new ActionStore(o.db);
    this.delivery = new ActionDelivery(o.db, { confirmTimeoutMs: o.timing.confirmTimeout ?? 5_000 });
    this.publicKey = formatPublicKey(o.key.publicKey);
  }

  /**
   * Signs and queues an operator's request, then waits up to `waitMs` (default actions.resultWait)
   * for its result. Returns the request's audit record, final or not; an unknown host is refused here
   * (404, audited). Everything else is decided by the agent, so it is audited on both sides.
   */
  run(op: Operator, body: RunActionBody, signal?: AbortSignal): Promise<ActionRecord> {
    // One span from signing to the result (or the wait's end); the agent's span joins it through the request's traceparent.
    const attributes = { "vigil.agent.id": body.agentId, "vigil.action.name": body.action, "vigil.action.dry_run": body.dryRun };
    return withSpan("request action", attributes, async (span) => {
      const record = await this.#run(op, body, signal);
      span.set({ "vigil.action.request_id": record.requestId, "vigil.action.status": record.status });
      return record;
    });
  }

  async #run(op: Operator, body: RunActionBody, signal?: AbortSignal): Promise<ActionRecord> {
    const now = this.#now();
    const traceparent = currentTraceparent();
    const request: UnsignedActionRequest = {
      requestId: randomUUID(),
      agentId: body.agentId,
      action: body.action,
      params: body.params,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
      confirm: body.confirm,
      initiator: op.initiator ?? `user:${op.name}`,
      role: op.role,
      issuedAt: now,
      expiresAt: now + (body.ttlMs ?? this.#o.timing.requestTtl),
      dryRun: body.dryRun,
      ...(traceparent === undefined ? {} : { traceparent }),
    };
    const log = { requestId: request.requestId, agentId: request.agentId, action: request.action, initiator: request.initiator };
    if (!this.#o.hostKnown(body.agentId)) {
      const message = `no host with id "${body.agentId}" has reported to this hub or holds a token`;
      this.store.refuse({ ...request, role: op.role }, { code: "HOST_NOT_FOUND", message }, now);
      this.#o.logger.warn("action request refused", { ...log, code: "HOST_NOT_FOUND" });
      this.#o.onRequest?.("host_not_found");
      throw new ApiError(404, "HOST_NOT_FOUND", message, { field: "agentId" });
    }
    const id = this.store.queue(wrap("action_request", signActionRequest(request, this.#o.key.privateKey)));
    this.#o.logger.info("action request queued", { ...log, dryRun: request.dryRun });
    this.#o.onRequest?.("queued");
    this.#polls.wake(body.agentId);
    const record = await this.#waitFinal(id, performance.now() + (body.waitMs ?? this.#o.timing.resultWait), signal);
    return record.status === "queued" ? { ...record, note: record.note ?? this.#pollingNote(body.agentId) ?? null } : record;
  }

  /**
   * The agent's long poll: first its acks are recorded, then the oldest request queued for it (the
   * signed envelope, with which handover this is) is marked delivered; undefined when none came within
   * actions.pollTimeout, or the poll was abandoned. Delivery and its confirmation: action-delivery.ts.
   */
  async poll(agentId: string, signal?: AbortSignal, poll: PollOptions = {}): Promise<TakenRequest | undefined> {
    const confirmed = this.delivery.confirm(agentId, poll.acks ?? [], this.#now());
    if (confirmed > 0) this.#o.logger.debug("action requests confirmed by the agent", { agentId, confirmed });
    // Waits run on the monotonic clock; `now` (injectable) only stamps records.
    const deadline = performance.now() + this.#o.timing.pollTimeout;
    for (;;) {
      const now = this.#now();
      this.#lastPoll.set(agentId, now);
      // Checked before taking: a request handed to a poll nobody reads any more would wait for its confirmation in vain.
      if (signal?.aborted) return undefined;
      const taken = this.delivery.takeNext(agentId, now, poll.confirms === true);
      if (taken) {
        const again = taken.attempt > 1;
        const what = again ? "action request handed over again: the agent did not confirm it" : "action request delivered";
        this.#o.logger[again ? "info" : "debug"](what, { agentId, row: taken.id, attempt: taken.attempt });
        // Other polls of this agent (a dead connection's, a live one's) re-plan their wait around this delivery's window.
        if (poll.confirms === true) this.#polls.wake(agentId);
        return taken;
      }
      const left = deadline - performance.now();
      if (left <= 0 || this.#polls.closed) return undefined;
      const due = this.delivery.requeueDueAt(agentId);
      await this.#polls.wait(agentId, due === undefined ? left : Math.min(left, Math.max(due - now, 0) + 20), signal);
    }
  }

  /** The envelope an agent that does not confirm deliveries would get (handed over once); for in-process callers. */
  async next(agentId: string, signal?: AbortSignal): Promise<unknown> {
    return (await this.poll(agentId, signal))?.envelope;
  }

  /** An agent's result for one of its requests: completes the audit row and wakes the operator waiting for it. */
  recordResult(agentId: string, result: ActionResult): ActionRecord {
    const open = this.store.latest(result.requestId);
    if (open && open.agentId !== agentId) {
      throw new ApiError(403, "ACTION_NOT_YOURS", `request ${result.requestId} was issued to "${open.agentId}", not to "${agentId}"`, {
        field: "payload.requestId",
      });
    }
    const id = this.store.recordResult(result, this.#now());
    this.#results.wake(String(id));
    this.#o.onResult?.(result.status);
    const level = result.status === "refused" ? "warn" : "info";
    this.#o.logger[level]("action result", {
      requestId: result.requestId,
      agentId,
      action: result.action,
      status: result.status,
      ...(result.refusal ? { code: result.refusal.code } : {}),
      exitCode: result.exitCode,
    });
    const record = this.store.get(id);
    if (!record) throw new Error(`action row ${id} vanished`);
    return record;
  }

  list(o: { agentId?: string | undefined; requestId?: string | undefined; limit: number }): ActionRecord[] {
    this.delivery.expireStale(this.#now());
    return this.store.list(o);
  }

  /** True once stop() was called: polls then end at once, and the route tells the agent to back off. */
  get stopping(): boolean {
    return this.#polls.closed;
  }

  /** Ends every long poll and wait at once, so stopping the hub is not held up by them. */
  stop(): void {
    this.#polls.close();
    this.#results.close();
  }

  async #waitFinal(id: number, deadline: number, signal?: AbortSignal): Promise<ActionRecord> {
    for (;;) {
      this.delivery.expireStale(this.#now());
      const record = this.store.get(id);
      if (!record) throw new Error(`action row ${id} vanished`);
      const left = deadline - performance.now();
      if (FINAL_STATUSES.has(record.status) || left <= 0 || signal?.aborted || this.#results.closed) return record;
      await this.#results.wait(String(id), left, signal);
    }
  }

  #pollingNote(agentId: string): string | undefined {
    const last = this.#lastPoll.get(agentId);
    if (last === undefined) {
      return `${agentId} has not asked for action requests since the hub started: does its config list actions (actions.catalog, actions.hubPublicKey)?`;
    }
    const ago = this.#now() - last;
    if (ago > 2 * this.#o.timing.pollTimeout)
      return `${agentId} last asked for action requests ${Math.round(ago / 1000)} s ago: is it running?`;
    return undefined;
  }
}
