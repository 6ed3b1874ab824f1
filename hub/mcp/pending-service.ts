import type { ActionRecord } from "../../shared/actions/api.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { RunActionBody } from "../actions/hub-actions.ts";
import type { Operator } from "../actions/operator-auth.ts";
import type { PendingRequest } from "./api-schemas.ts";
import type { NewPending, PendingStore } from "./pending-store.ts";

/** HubActions.run, the part this needs: sign, queue, wait (bounded) for the result. */
export interface ActionRunner {
  run(op: Operator, body: RunActionBody, signal?: AbortSignal): Promise<ActionRecord>;
}

export interface PendingServiceOptions {
  store: PendingStore;
  actions: ActionRunner;
  confirmTtlMs: number;
  logger: Logger;
  now: () => number;
}

/**
 * The human step between an assistant and a danger action. The assistant's request is kept with an
 * id; an admin confirms it (POST /api/v1/mcp/pending/:id/confirm, `vigil mcp confirm <id>`) and only
 * then does the hub sign it, with the admin role and `confirm: true`, naming both the person and the
 * assistant as initiator. Anyone who may ask for actions may deny it. Undecided, it expires.
 */
export class PendingService {
  readonly #o: PendingServiceOptions;

  constructor(o: PendingServiceOptions) {
    this.#o = o;
  }

  create(p: Omit<NewPending, "createdAt" | "expiresAt">): PendingRequest {
    const now = this.#o.now();
    const pending = this.#o.store.create({ ...p, createdAt: now, expiresAt: now + this.#o.confirmTtlMs });
    this.#o.logger.warn("danger action requested through MCP, waiting for confirmation", {
      id: pending.id,
      client: p.client,
      agentId: p.agentId,
      action: p.action,
      confirmWith: `vigil mcp confirm ${pending.id}`,
    });
    return pending;
  }

  get(id: string): PendingRequest {
    const found = this.#o.store.get(id, this.#o.now());
    if (!found) throw new ApiError(404, "PENDING_NOT_FOUND", `no MCP request has the id "${id}"`, { field: "id" });
    return found;
  }

  list(o: { status?: PendingRequest["status"] | undefined; limit: number }): PendingRequest[] {
    return this.#o.store.list(o, this.#o.now());
  }

  /** Confirms and runs it; 403 for a non-admin, 409 when it is no longer pending. */
  async confirm(
    id: string,
    op: Operator,
    waitMs: number | undefined,
    signal?: AbortSignal,
  ): Promise<{ pending: PendingRequest; action: ActionRecord }> {
    const before = this.get(id);
    if (op.role !== "admin") {
      throw new ApiError(
        403,
        "ADMIN_REQUIRED",
        `confirming a danger action needs an admin (actions.operators with role admin, or auth.adminTokens); ${op.name} is an operator`,
      );
    }
    if (!this.#o.store.decide(before.id, "confirmed", `user:${op.name}`, undefined, this.#o.now())) throw this.#notPending(before.id);
    const pending = this.get(before.id);
    const initiator: Operator = { name: `${op.name} confirming mcp:${pending.client}`, role: "admin" };
    const action = await this.#o.actions.run(
      initiator,
      {
        agentId: pending.agentId,
        action: pending.action,
        params: pending.params as RunActionBody["params"],
        reason: pending.reason,
        confirm: true,
        dryRun: pending.dryRun,
        ...(waitMs === undefined ? {} : { waitMs }),
      },
      signal,
    );
    this.#o.store.setRequestId(pending.id, action.requestId);
    this.#o.logger.warn("danger action confirmed for an MCP client", {
      id: pending.id,
      client: pending.client,
      by: op.name,
      agentId: pending.agentId,
      action: pending.action,
      requestId: action.requestId,
      status: action.status,
    });
    return { pending: this.get(pending.id), action };
  }

  deny(id: string, op: Operator, note: string | undefined): PendingRequest {
    const before = this.get(id);
    if (!this.#o.store.decide(before.id, "denied", `user:${op.name}`, note, this.#o.now())) throw this.#notPending(before.id);
    this.#o.logger.info("danger action denied for an MCP client", { id: before.id, client: before.client, by: op.name });
    return this.get(before.id);
  }

  #notPending(id: string): ApiError {
    const now = this.get(id);
    return new ApiError(
      409,
      "PENDING_DECIDED",
      `request ${id} is ${now.status}${now.decidedBy ? ` (by ${now.decidedBy})` : ""}: only a pending request can be confirmed or denied`,
      {
        field: "id",
      },
    );
  }
}
