import type { KeyObject } from "node:crypto";
import type { Logger } from "../../shared/log/logger.ts";
import type { ActionRequest, ActionResult } from "../../shared/protocol/action.ts";
import type { ActionAudit, AuditRequest } from "./action-audit.ts";
import type { ActionCatalog, PreparedRun } from "./catalog.ts";
import type { Execution, ExecuteOptions } from "./execute.ts";
import type { NonceStore } from "./nonce-store.ts";
import { type Redelivery, redeliveryOf } from "./redelivery.ts";
import type { Refusal } from "./refusal.ts";
import type { TargetQueue } from "./target-queue.ts";
import { rawRequestFields, verifyRequest } from "./verify-request.ts";

/** An action result before the envelope; its requestId is whatever the request carried (maybe not a UUID). */
export type HandledResult = Omit<ActionResult, "requestId"> & { requestId: string };

export interface ActionHandlerOptions {
  catalog: ActionCatalog;
  audit: ActionAudit;
  nonces: NonceStore;
  queue: TargetQueue;
  publicKey: KeyObject;
  agentId: string;
  maxClockSkewMs: number;
  maxLifetimeMs: number;
  /** PATH of the commands. */
  path: string;
  execute: (argv: readonly string[], o: ExecuteOptions) => Promise<Execution>;
  logger: Logger;
  now?: () => number;
}

/**
 * The agent's decision on one request from the hub, in this order: signed (SIGNATURE_MISSING,
 * SIGNATURE_INVALID), well-formed and addressed here (REQUEST_INVALID), in time (REQUEST_EXPIRED,
 * AGENT_CLOCK_SKEW), first seen (REQUEST_REPLAYED), whitelisted (ACTION_NOT_WHITELISTED), parameters
 * (PARAM_INVALID), guards of the risk class (ADMIN_REQUIRED, CONFIRM_REQUIRED, REASON_REQUIRED), then
 * a dry run answers with the argv, and a run waits for its target (TARGET_BUSY when too many wait).
 * Every request leaves one audit row, written before anything runs.
 */
export class ActionHandler {
  readonly #o: ActionHandlerOptions;
  readonly #now: () => number;

  constructor(o: ActionHandlerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /**
   * A request the hub hands over again (it never got this agent's ack): whether it is new here, or
   * what became of it (redelivery.ts). Anything that fails the checks is `new`, for handle() to refuse
   * and audit as usual.
   */
  redelivered(envelope: unknown): Redelivery {
    const verified = this.#verify(envelope, this.#now());
    // Expiry and skew are checked after the signature and the address: a request refused for those
    // is authentic, and may have been handled here while it was valid (its result is what the hub lacks).
    const timely = verified.ok || verified.refusal.code === "REQUEST_EXPIRED" || verified.refusal.code === "AGENT_CLOCK_SKEW";
    if (!timely) return { kind: "new" };
    const requestId = verified.ok ? verified.value.requestId : rawRequestFields(envelope).requestId;
    return redeliveryOf(requestId, this.#o.agentId, { nonces: this.#o.nonces, audit: this.#o.audit });
  }

  async handle(envelope: unknown): Promise<HandledResult> {
    const now = this.#now();
    const verified = this.#verify(envelope, now);
    if (!verified.ok) {
      const raw = rawRequestFields(envelope);
      const req: AuditRequest = { ...raw, role: null, confirm: false, dryRun: false, issuedAt: null, expiresAt: null };
      return this.#refuse(req, verified.refusal, now);
    }
    const request = verified.value;
    const req = auditFields(request);
    if (!this.#o.nonces.claim(request.requestId, request.expiresAt, now)) {
      return this.#refuse(
        req,
        { code: "REQUEST_REPLAYED", message: `request ${request.requestId} was received before: each request runs at most once` },
        now,
      );
    }
    const prepared = this.#o.catalog.prepare(request.action, request.params);
    if (!prepared.ok) return this.#refuse(req, prepared.refusal, now);
    const run = prepared.value;
    const guard = riskGuard(run, request);
    const shown = { risk: run.action.risk, target: run.target, argv: run.argv };
    if (guard) return this.#refuse(req, guard, now, shown);

    if (request.dryRun) {
      this.#o.audit.dryRun(req, now, shown);
      this.#log(request, "dry_run");
      return { ...this.#base(request.requestId, request.action, now), status: "dry_run", argv: run.argv };
    }
    const auditId = this.#o.audit.accepted(req, now, shown);
    const queued = this.#o.queue.run(run.target, () => this.#execute(auditId, run));
    if (queued === undefined) {
      const refusal: Refusal = {
        code: "TARGET_BUSY",
        message: `target "${run.target}" is busy and ${this.#o.queue.waiting(run.target)} requests already wait for it (actions.maxQueuedPerTarget)`,
      };
      this.#o.audit.finishedRefused(auditId, refusal, now);
      this.#log(request, "refused", refusal);
      return { ...this.#base(request.requestId, request.action, now), status: "refused", refusal, argv: run.argv };
    }
    const execution = await queued;
    this.#log(request, execution.status, undefined, execution);
    return {
      requestId: request.requestId,
      agentId: this.#o.agentId,
      action: request.action,
      status: execution.status,
      argv: run.argv,
      exitCode: execution.exitCode,
      stdout: execution.stdout,
      stderr: execution.stderr,
      outputTruncated: execution.outputTruncated,
      startedAt: execution.startedAt,
      durationMs: execution.durationMs,
    };
  }

  #verify(envelope: unknown, now: number): ReturnType<typeof verifyRequest> {
    return verifyRequest(envelope, {
      publicKey: this.#o.publicKey,
      agentId: this.#o.agentId,
      now,
      maxClockSkewMs: this.#o.maxClockSkewMs,
      maxLifetimeMs: this.#o.maxLifetimeMs,
    });
  }

  async #execute(auditId: number, run: PreparedRun): Promise<Execution> {
    this.#o.audit.started(auditId, this.#now());
    const execution = await this.#o.execute(run.argv, {
      timeoutMs: run.action.timeoutMs,
      maxOutputBytes: run.action.maxOutputBytes,
      path: this.#o.path,
      now: this.#now,
    });
    this.#o.audit.finished(auditId, execution, this.#now());
    return execution;
  }

  #refuse(req: AuditRequest, refusal: Refusal, now: number, shown?: { risk: string; target: string; argv: string[] }): HandledResult {
    this.#o.audit.refused(req, refusal, now, shown);
    this.#o.logger.warn("action request refused", {
      requestId: req.requestId,
      action: req.action,
      initiator: req.initiator,
      code: refusal.code,
      message: refusal.message,
    });
    return { ...this.#base(req.requestId, req.action, now), status: "refused", refusal, argv: shown?.argv ?? [] };
  }

  #base(requestId: string, action: string, now: number): HandledResult {
    return {
      requestId,
      agentId: this.#o.agentId,
      action,
      status: "refused",
      argv: [],
      exitCode: null,
      stdout: "",
      stderr: "",
      outputTruncated: false,
      startedAt: now,
      durationMs: 0,
    };
  }

  #log(request: ActionRequest, status: string, refusal?: Refusal, execution?: Execution): void {
    this.#o.logger.info("action request handled", {
      requestId: request.requestId,
      action: request.action,
      initiator: request.initiator,
      status,
      ...(refusal ? { code: refusal.code } : {}),
      ...(execution ? { exitCode: execution.exitCode, durationMs: execution.durationMs } : {}),
    });
  }
}

/** The guards of the risk classes: caution needs a reason; danger needs a reason, confirm and an admin. */
function riskGuard(run: PreparedRun, request: ActionRequest): Refusal | undefined {
  const { risk, name } = run.action;
  if (risk === "danger" && request.role !== "admin") {
    return {
      code: "ADMIN_REQUIRED",
      message: `${name} is a danger action: only an initiator with the admin role may run it (this one is ${request.role ?? "without a role"})`,
    };
  }
  if (risk === "danger" && !request.confirm) {
    return { code: "CONFIRM_REQUIRED", message: `${name} is a danger action: it runs only with confirm: true` };
  }
  if (risk !== "safe" && (request.reason === undefined || request.reason.trim() === "")) {
    return { code: "REASON_REQUIRED", message: `${name} is a ${risk} action: give a reason, which is recorded in the audit` };
  }
  return undefined;
}

function auditFields(r: ActionRequest): AuditRequest {
  return {
    requestId: r.requestId,
    action: r.action,
    params: r.params,
    initiator: r.initiator,
    role: r.role ?? null,
    reason: r.reason ?? null,
    confirm: r.confirm,
    dryRun: r.dryRun,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
  };
}
