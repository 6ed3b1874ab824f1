import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { withSpan } from "../../shared/telemetry/tracer.ts";
import type { AlertSink } from "../notify/alert-sink.ts";
import { type GroupStatus, type LeaseAnswer, MAX_PIN_MS } from "./api.ts";
import { CheckLoop } from "./check-loop.ts";
import { buildMemberCheck } from "./checks/build-checks.ts";
import type { HostReadings } from "./checks/freshness-check.ts";
import type { CheckResult, HealthCheck } from "./checks/health-check.ts";
import type { FailoverConfig, GroupConfig, MemberConfig } from "./config.ts";
import { decideActive, type GroupShape, healthOf, type SwitchDecision } from "./decide.ts";
import { FailoverStore, type GroupRecord } from "./failover-store.ts";
import { decideLease } from "./lease.ts";
import { availabilityChange, type MemberHealth, observeCheck, usable } from "./member-health.ts";
import { groupStatusView } from "./status-view.ts";
import { type ActionRunner, requestSwitchActions } from "./switch-actions.ts";
import { switchEvent, unavailableEvent } from "./switch-notice.ts";

export interface FailoverServiceOptions {
  db: Db;
  config: FailoverConfig;
  readings: HostReadings;
  /** Where switches are notified (the notifier of hub/notify). */
  sink?: AlertSink | undefined;
  /** Where onActivate/onDeactivate actions are requested (HubActions). */
  actions?: ActionRunner | undefined;
  logger: Logger;
  now?: () => number;
  /** The check of a member; default buildMemberCheck. A seam for tests. */
  checkFor?: (group: string, member: MemberConfig) => HealthCheck;
  /** Told of each switch once it is stored (the hub's metrics). */
  onSwitch?: (group: string, cause: SwitchDecision["cause"]) => void;
}

interface Group {
  name: string;
  config: GroupConfig;
  shape: GroupShape;
  checks: ReadonlyMap<string, HealthCheck>;
  health: Map<string, MemberHealth>;
  /** Since when the active member has been down with no other member up; null while available. */
  unavailableSince: number | null;
}

/** Where the proxy sends a group's requests now. */
export interface ProxyTarget {
  member: MemberConfig;
  epoch: number;
  /** proxy.timeout */
  timeoutMs: number;
}

/**
 * The failover coordinator: per group, a loop of health checks feeding the pure decision
 * (decide.ts); switches persisted with a new epoch (FailoverStore), notified through the alert
 * channels, followed by the members' actions; leases for `run-if-active`; pins; the proxy's target.
 */
export class FailoverService {
  readonly store: FailoverStore;
  readonly #o: FailoverServiceOptions;
  readonly #now: () => number;
  readonly #groups = new Map<string, Group>();
  readonly #lifetime = new AbortController();
  #loops: CheckLoop[] = [];

  constructor(o: FailoverServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.store = new FailoverStore(o.db);
    const checkFor =
      o.checkFor ?? ((_g: string, m: MemberConfig) => buildMemberCheck(m, { readings: o.readings, lifetime: this.#lifetime.signal }));
    for (const [name, config] of Object.entries(o.config.groups)) {
      const members = config.members.map((m) => m.name);
      const { failAfter, recoverAfter, hold } = config.check;
      this.#groups.set(name, {
        name,
        config,
        shape: { members, failback: config.failback, timing: { failAfter, recoverAfter, holdMs: hold } },
        checks: new Map(config.members.map((m) => [m.name, checkFor(name, m)])),
        health: new Map(),
        unavailableSince: null,
      });
      const row = this.store.get(name) ?? this.store.create(name, members[0] as string, this.#now());
      if (row.pin !== null && !members.includes(row.pin.member)) this.store.setPin(name, null);
    }
  }

  get groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  /** Starts every group's check loop. */
  start(): void {
    for (const g of this.#groups.values()) {
      const loop = new CheckLoop(g.config.check.interval, async () => void (await this.checkNow(g.name)), this.#o.logger);
      loop.start();
      this.#loops.push(loop);
    }
  }

  async stop(): Promise<void> {
    this.#lifetime.abort();
    await Promise.all(this.#loops.map((l) => l.stop()));
    this.#loops = [];
  }

  /** One round in its span; a switch it makes is a child span, and the actions that asks for below that. */
  checkNow(name: string): Promise<GroupRecord> {
    return withSpan("check failover group", { "vigil.failover.group": name }, async (span) => {
      const row = await this.#check(name);
      span.set({ "vigil.failover.active": row.active, "vigil.failover.epoch": row.epoch });
      return row;
    });
  }

  /** One round: every member's check at once (bounded by the group's check timeout), then apply. */
  async #check(name: string): Promise<GroupRecord> {
    const g = this.#group(name);
    const row = this.#row(name);
    const now = this.#now();
    const signal = AbortSignal.any([this.#lifetime.signal, AbortSignal.timeout(g.config.check.timeout)]);
    const entries = await Promise.all(
      [...g.checks].map(async ([member, check]): Promise<[string, CheckResult]> => {
        const ctx = { now, signal, active: member === row.active, activeSince: row.since };
        // A check never throws by contract; one that does is a failed check, not a lost round.
        return [member, await check.run(ctx).catch((err: unknown): CheckResult => ({ ok: false, detail: `check error: ${String(err)}` }))];
      }),
    );
    if (this.#lifetime.signal.aborted) return row;
    return this.apply(name, new Map(entries));
  }

  /** Applies one round of check results at the service's now: health, pin expiry, decision, switch, availability. */
  apply(name: string, results: ReadonlyMap<string, CheckResult>): GroupRecord {
    const g = this.#group(name);
    const now = this.#now();
    for (const [member, r] of results) {
      g.health.set(member, observeCheck(healthOf(g.health)(member), r.ok, r.detail, now, g.shape.timing));
    }
    return this.#decide(g, now);
  }

  status(name: string, historyLimit?: number): GroupStatus {
    const g = this.#group(name);
    const history = historyLimit === undefined ? undefined : this.store.history(name, historyLimit);
    return groupStatusView(name, g.config, this.#row(name), g.health, history);
  }

  list(): GroupStatus[] {
    return this.groupNames.map((n) => this.status(n));
  }

  /** The fencing question of `run-if-active`: may this host act as the active member now? Records a granted lease. */
  lease(name: string, agentId: string, member: string | undefined): LeaseAnswer {
    const g = this.#group(name);
    const row = this.#row(name);
    const c = g.config;
    const answer = decideLease(
      { name, members: c.members, leaseMs: c.lease, unreachable: c.unreachable },
      row,
      agentId,
      member,
      this.#now(),
    );
    if (answer.leaseExpiresAt !== null) this.store.recordLease(name, row.epoch, answer.leaseExpiresAt);
    this.#o.logger.debug("failover lease", { group: name, agentId, member: answer.member, active: answer.active, epoch: answer.epoch });
    return answer;
  }

  /** An operator's override: `member` is active until `until`; switches now if it is not. */
  pin(name: string, p: { member: string; until: number; by: string; reason: string | null }): GroupStatus {
    const g = this.#group(name);
    const now = this.#now();
    if (!g.shape.members.includes(p.member)) {
      throw new ApiError(
        400,
        "FAILOVER_MEMBER_UNKNOWN",
        `group ${name} has no member "${p.member}" (members: ${g.shape.members.join(", ")})`,
        {
          field: "member",
        },
      );
    }
    if (p.until <= now) throw new ApiError(400, "FAILOVER_PIN_SCHEMA", "until: the pin would end before it starts", { field: "until" });
    if (p.until - now > MAX_PIN_MS)
      throw new ApiError(400, "FAILOVER_PIN_SCHEMA", "until: a pin lasts at most 30 days", { field: "until" });
    this.store.setPin(name, p);
    this.#o.logger.info("failover pinned", {
      group: name,
      member: p.member,
      until: new Date(p.until).toISOString(),
      by: p.by,
      reason: p.reason,
    });
    this.#decide(g, now);
    return this.status(name);
  }

  unpin(name: string, by: string): GroupStatus {
    const g = this.#group(name);
    if (this.#row(name).pin !== null) {
      this.store.setPin(name, null);
      this.#o.logger.info("failover unpinned", { group: name, by });
    }
    this.#decide(g, this.#now());
    return this.status(name);
  }

  /** The member the proxy forwards to: 404 for an unknown group or one without the proxy, 503 when no member is healthy. */
  proxyTarget(name: string): ProxyTarget {
    const g = this.#groups.get(name);
    if (!g?.config.proxy.enabled) {
      throw new ApiError(404, "FAILOVER_PROXY_NOT_FOUND", `no failover group "${name}" with proxy.enabled`, { field: "group" });
    }
    const row = this.#row(name);
    const member = g.config.members.find((m) => m.name === row.active);
    const health = healthOf(g.health);
    if (member === undefined || !usable(health(row.active), g.shape.timing)) {
      const states = g.shape.members.map((m) => `${m} ${health(m).status}${health(m).detail === null ? "" : ` (${health(m).detail})`}`);
      throw new ApiError(503, "FAILOVER_NO_HEALTHY_MEMBER", `group ${name} has no healthy member: ${states.join("; ")}`);
    }
    return { member, epoch: row.epoch, timeoutMs: g.config.proxy.timeout };
  }

  /** A group's proxy settings (tokens, timeout); undefined for an unknown group. */
  proxySettings(name: string): GroupConfig["proxy"] | undefined {
    return this.#groups.get(name)?.config.proxy;
  }

  #decide(g: Group, now: number): GroupRecord {
    let row = this.#row(g.name);
    if (row.pin !== null && row.pin.until <= now) {
      this.#o.logger.info("failover pin expired", { group: g.name, member: row.pin.member });
      row = this.store.setPin(g.name, null);
    }
    const decision = decideActive(g.shape, row, healthOf(g.health), now);
    if (decision !== undefined) {
      const from = row;
      const attributes = { "vigil.failover.group": g.name, "vigil.failover.from": from.active, "vigil.failover.to": decision.to };
      row = withSpan("switch failover group", { ...attributes, "vigil.failover.cause": decision.cause }, (span) => {
        const next = this.#switch(g, from, decision, now);
        span.set({ "vigil.failover.epoch": next.epoch });
        return next;
      });
    }
    this.#watchAvailability(g, row, now);
    return row;
  }

  #switch(g: Group, row: GroupRecord, d: SwitchDecision, now: number): GroupRecord {
    const next = this.store.switchTo(g.name, row.epoch, d.to, d.cause, d.reason, now);
    this.#o.onSwitch?.(g.name, d.cause);
    const from = g.config.members.find((m) => m.name === row.active);
    const to = g.config.members.find((m) => m.name === d.to) as MemberConfig;
    const primary = g.shape.members[0] as string;
    this.#o.logger.warn("failover switch", {
      group: g.name,
      from: row.active,
      to: d.to,
      epoch: next.epoch,
      cause: d.cause,
      reason: d.reason,
    });
    const leftPrimaryAt = this.store.lastLeft(g.name, primary);
    this.#notify(
      switchEvent({ ...d, group: g.name, from: row.active, toHost: to.host, primary, epoch: next.epoch, at: now, leftPrimaryAt }),
    );
    requestSwitchActions(this.#o.actions, { group: g.name, epoch: next.epoch, from, to, logger: this.#o.logger });
    return next;
  }

  /** The "no healthy member" alert, fired and resolved as availabilityChange says. */
  #watchAvailability(g: Group, row: GroupRecord, now: number): void {
    const health = healthOf(g.health);
    const change = availabilityChange(g.unavailableSince !== null, health(row.active), g.shape.timing);
    if (change === undefined) return;
    const activeHost = g.config.members.find((m) => m.name === row.active)?.host ?? "";
    const detail = g.shape.members.map((m) => `${m}: ${health(m).detail ?? "not checked"}`).join("; ");
    const since = g.unavailableSince ?? now;
    const resolved = change === "resolve";
    if (resolved) this.#o.logger.info("failover group available again", { group: g.name, active: row.active });
    else this.#o.logger.error("failover group has no healthy member", { group: g.name, active: row.active, detail });
    g.unavailableSince = resolved ? null : now;
    this.#notify(unavailableEvent({ group: g.name, active: row.active, activeHost, detail, since, at: now, resolved }));
  }

  /** Notification never blocks failover: the switch is made and kept whatever the outbox does. */
  #notify(event: AlertEvent): void {
    try {
      this.#o.sink?.submit([event], "failover");
    } catch (err) {
      this.#o.logger.error("failover notification not queued", { fingerprint: event.fingerprint, err });
    }
  }

  #group(name: string): Group {
    const g = this.#groups.get(name);
    if (!g) throw new ApiError(404, "FAILOVER_GROUP_NOT_FOUND", `no failover group "${name}" in the hub's config`, { field: "group" });
    return g;
  }

  #row(name: string): GroupRecord {
    const row = this.store.get(name);
    if (!row) throw new Error(`failover group ${name} has no row`);
    return row;
  }
}
