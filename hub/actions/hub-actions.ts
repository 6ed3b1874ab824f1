import { randomUUID } from "node:crypto";
import { type ActionRecord, FINAL_STATUSES, type runActionRequest } from "../../shared/actions/api.ts";
import { formatPublicKey, signActionRequest, type UnsignedActionRequest } from "../../shared/actions/signing.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { ActionResult } from "../../shared/protocol/action.ts";
import { wrap } from "../../shared/protocol/envelope.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { z } from "zod";
import { ActionStore } from "./action-store.ts";
import type { Operator } from "./operator-auth.ts";
import type { SigningKey } from "./signing-key.ts";
import { Wakeups } from "./wakeups.ts";

export interface HubActionsOptions {
  db: Db;
  key: SigningKey;
  timing: { requestTtl: number; resultWait: number; pollTimeout: number };
  /** Whether the hub knows this agent (it has reported, or holds a token): requests for others are refused. */
  hostKnown: (agentId: string) => boolean;
  logger: Logger;
  now?: () => number;
}

export type RunActionBody = z.output<typeof runActionRequest>;

/**
 * The hub's side of actions: it signs what an operator asks for, queues it for the agent, hands it
 * over on the agent's long poll, records the agent's result, and lets the operator wait (bounded)
 * for that result. The queue and the audit are one table (ActionStore); waiting is in memory.
 */
export class HubActions {
  readonly store: ActionStore;
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
    this.publicKey = formatPublicKey(o.key.publicKey);
  }

  /**
   * Signs and queues an operator's request, then waits up to `waitMs` (default actions.resultWait)
   * for its result. Returns the request's audit record, final or not; an unknown host is refused here
   * (404, audited). Everything else is decided by the agent, so it is audited on both sides.
   */
  async run(op: Operator, body: RunActionBody, signal?: AbortSignal): Promise<ActionRecord> {
    const now = this.#now();
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
    };
    const log = { requestId: request.requestId, agentId: request.agentId, action: request.action, initiator: request.initiator };
    if (!this.#o.hostKnown(body.agentId)) {
      const message = `no host with id "${body.agentId}" has reported to this hub or holds a token`;
      this.store.refuse({ ...request, role: op.role }, { code: "HOST_NOT_FOUND", message }, now);
      this.#o.logger.warn("action request refused", { ...log, code: "HOST_NOT_FOUND" });
      throw new ApiError(404, "HOST_NOT_FOUND", message, { field: "agentId" });
    }
    const id = this.store.queue(wrap("action_request", signActionRequest(request, this.#o.key.privateKey)));
    this.#o.logger.info("action request queued", { ...log, dryRun: request.dryRun });
    this.#polls.wake(body.agentId);
    const record = await this.#waitFinal(id, performance.now() + (body.waitMs ?? this.#o.timing.resultWait), signal);
    return record.status === "queued" ? { ...record, note: record.note ?? this.#pollingNote(body.agentId) ?? null } : record;
  }

  /**
   * The agent's long poll: the oldest request queued for it (as the signed envelope), marked
   * delivered; undefined when none came within actions.pollTimeout, or the poll was abandoned.
   */
  async next(agentId: string, signal?: AbortSignal): Promise<unknown> {
    // Waits run on the monotonic clock; `now` (injectable) only stamps records.
    const deadline = performance.now() + this.#o.timing.pollTimeout;
    for (;;) {
      const now = this.#now();
      this.#lastPoll.set(agentId, now);
      // Checked before taking: a request handed to a poll nobody reads any more would be lost.
      if (signal?.aborted) return undefined;
      const taken = this.store.takeNext(agentId, now);
      if (taken) {
        this.#o.logger.debug("action request delivered", { agentId, row: taken.id });
        return taken.envelope;
      }
      const left = deadline - performance.now();
      if (left <= 0 || this.#polls.closed) return undefined;
      await this.#polls.wait(agentId, left, signal);
    }
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
    this.store.expireStale(this.#now());
    return this.store.list(o);
  }

  /** Ends every long poll and wait at once, so stopping the hub is not held up by them. */
  stop(): void {
    this.#polls.close();
    this.#results.close();
  }

  async #waitFinal(id: number, deadline: number, signal?: AbortSignal): Promise<ActionRecord> {
    for (;;) {
      this.store.expireStale(this.#now());
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
