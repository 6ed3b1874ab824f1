import type { ActionRecord } from "../../shared/actions/api.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { RunActionBody } from "../actions/hub-actions.ts";
import type { Operator } from "../actions/operator-auth.ts";
import type { AlertSink, MuteReason, Muter } from "../notify/alert-sink.ts";
import { toAlertEvent } from "../rules/alert-event.ts";
import type { StoredAlert } from "../rules/alert-store.ts";
import type { AlertTransition, AlertTransitionHook } from "../rules/transition-hook.ts";
import type { RemediationOverview } from "./api.ts";
import { escalationEvent } from "./escalation.ts";
import { decide } from "./limits.ts";
import * as note from "./notes.ts";
import { outcomeOf, outcomeOfError } from "./outcome.ts";
import { describePlan, planRemediation, type RemediationPlan } from "./plan.ts";
import { type Episode, entryFields, newEpisode, resumedEpisode } from "./episode.ts";
import { RemediationStore, type RunOutcome } from "./remediation-store.ts";
import type { RemediationRule } from "./rule-table.ts";

/** HubActions.run, the only part remediation needs: sign, queue, wait for the agent's result. */
export interface RemediationRunner {
  run(op: Operator, body: RunActionBody): Promise<ActionRecord>;
}

export interface RemediationServiceOptions {
  db: Db;
  enabled: boolean;
  rules: ReadonlyMap<string, RemediationRule>;
  runner: RemediationRunner;
  sink: AlertSink;
  muter: Muter;
  logger: Logger;
  now?: () => number;
  /** How long a run waits for the agent's result before it counts as failed (default 10 minutes). */
  resultWaitMs?: number;
}

const HOUR = 3_600_000;
const LOG_KEPT_MS = 90 * 24 * HOUR;

/**
 * Automatic remediation. Told of every firing and resolved transition (AlertTransitionHook), it asks
 * for the rule's whitelisted action through the hub's action service with initiator `rule:<name>`,
 * within the limits (runs per target per window, back-off), never while a silence or maintenance
 * window mutes the alert, and gives up with a critical notification when the limit is reached, the
 * action fails, or the condition still holds `verifyAfter` after it succeeded. Decisions are taken
 * inside the engine's transaction (the log row and the queued request are stored with the alert's
 * state); results and timers come later, each checked against the alert as it is then.
 */
export class RemediationService implements AlertTransitionHook {
  readonly store: RemediationStore;
  readonly #o: RemediationServiceOptions;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #episodes = new Map<string, Episode>();
  #alert: (fingerprint: string) => StoredAlert | undefined = () => undefined;
  #prune: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(o: RemediationServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#log = o.logger.child({ component: "remediation" });
    this.store = new RemediationStore(o.db);
  }

  onTransitions(transitions: readonly AlertTransition[], now: number): AlertEvent[] {
    if (!this.#o.enabled || this.#stopped) return [];
    const extra: AlertEvent[] = [];
    for (const t of transitions) {
      const rule = this.#o.rules.get(t.alert.rule);
      if (rule === undefined) continue;
      if (t.event.status === "resolved") {
        this.#resolved(t, now, extra);
        continue;
      }
      let ep = this.#episodes.get(t.alert.fingerprint);
      if (ep !== undefined && ep.firingSince !== t.alert.state.firingSince) ep = this.#end(ep);
      if (ep === undefined || (ep.phase === "paused" && t.mutedBy === null)) ep = this.#consider(rule, t.alert, t.mutedBy, now, extra, ep);
      t.event.annotations.remediation = ep.note;
    }
    return extra;
  }

  /**
   * Picks up after a (re)start: runs left open by the last one are marked interrupted; a firing alert
   * that was acted on is verified again, one that gave up stays so, one never acted on is considered
   * now; escalations whose alert no longer fires are resolved.
   */
  start(alerts: { get(fingerprint: string): StoredAlert | undefined; values(): Iterable<StoredAlert> }): void {
    this.#alert = (fp) => alerts.get(fp);
    const now = this.#now();
    const interrupted = this.store.markInterrupted(now);
    if (interrupted > 0)
      this.#log.warn("remediation runs interrupted by the last stop; their outcome is in the action log", { interrupted });
    const extra: AlertEvent[] = [];
    if (this.#o.enabled) {
      for (const a of alerts.values()) {
        const rule = this.#o.rules.get(a.rule);
        if (rule === undefined || a.state.phase !== "firing" || this.#episodes.has(a.fingerprint)) continue;
        this.#resume(rule, a, now, extra);
      }
    }
    for (const e of this.store.openEscalations()) {
      const a = alerts.get(e.fingerprint);
      if (a?.state.phase === "firing") continue;
      this.store.resolveEscalation(e.id, now);
      const facts = a ?? { fingerprint: e.fingerprint, rule: e.rule, hostId: e.hostId, labels: {}, value: null, threshold: null };
      extra.push(escalationEvent(facts, { status: "resolved", startsAt: e.at, endsAt: now, why: e.detail }));
    }
    this.#submit(extra);
    this.#prune = setInterval(() => this.#guard("prune", () => this.store.prune(this.#now() - LOG_KEPT_MS)), HOUR);
    this.#prune.unref();
  }

  /** Ends timers; a run still waiting for its result is recorded as interrupted at the next start. */
  stop(): void {
    this.#stopped = true;
    if (this.#prune) clearInterval(this.#prune);
    for (const ep of this.#episodes.values()) clearTimeout(ep.timer);
    this.#episodes.clear();
  }

  overview(o: { limit: number; rule?: string | undefined; hostId?: string | undefined }): RemediationOverview {
    return { enabled: this.#o.enabled, rules: [...this.#o.rules.values()].map((r) => r.view), entries: this.store.list(o) };
  }

  #consider(
    rule: RemediationRule,
    alert: StoredAlert,
    mutedBy: MuteReason | null,
    now: number,
    extra: AlertEvent[],
    prev?: Episode,
  ): Episode {
    if (prev) clearTimeout(prev.timer);
    const ep = prev ?? newEpisode(rule, alert, now);
    this.#episodes.set(alert.fingerprint, ep);
    const planned = planRemediation(rule.remediation, alert);
    if (!planned.ok) {
      this.#giveUp(ep, alert, undefined, `the request cannot be made: ${planned.error}`, now, extra);
      return ep;
    }
    const plan = planned.plan;
    const what = describePlan(plan);
    if (mutedBy !== null) {
      ep.phase = "paused";
      ep.note = note.pausedNote(what, mutedBy);
      this.store.insertPaused(
        entryFields(alert, plan, plan.action, now, `${mutedBy.kind} ${mutedBy.id}${mutedBy.comment ? `: ${mutedBy.comment}` : ""}`),
      );
      this.#log.info("remediation paused", { rule: alert.rule, fingerprint: alert.fingerprint, mutedBy: mutedBy.id });
      return ep;
    }
    const d = decide(this.store.runStarts(plan.targetKey, now - rule.limits.windowMs), rule.limits, now);
    if (d.kind === "limit") {
      this.#giveUp(ep, alert, plan, note.limitReason(what, d.runs, rule.limits), now, extra);
    } else if (d.kind === "wait") {
      ep.phase = "waiting";
      ep.note = note.waitingNote(what, d.at, d.run, rule.limits);
      ep.timer = this.#timer(d.at - now, () => this.#retry(ep));
    } else {
      this.#run(ep, alert, plan, d.run, now);
    }
    return ep;
  }

  #run(ep: Episode, alert: StoredAlert, plan: RemediationPlan, number: number, now: number): void {
    const what = describePlan(plan);
    const id = this.store.insertRun(entryFields(alert, plan, plan.action, now, note.runCount(number, ep.rule.limits)));
    ep.phase = "running";
    ep.run = { id, what, number, plan };
    ep.note = note.requestedNote(what, number, ep.rule.limits);
    this.#log.info("remediation requested", {
      rule: alert.rule,
      fingerprint: alert.fingerprint,
      agentId: plan.agentId,
      action: plan.action,
      run: number,
    });
    const op: Operator = { name: `rule-${alert.rule}`, role: "operator", initiator: `rule:${alert.rule}` };
    const body: RunActionBody = {
      agentId: plan.agentId,
      action: plan.action,
      params: plan.params,
      reason: plan.reason,
      confirm: false,
      dryRun: false,
      waitMs: this.#o.resultWaitMs ?? 600_000,
    };
    this.#o.runner
      .run(op, body)
      .then(
        (record) => outcomeOf(record, this.#now()),
        (err: unknown) => outcomeOfError(err, this.#now()),
      )
      .then((outcome) => this.#guard("result", () => this.#finished(ep, id, outcome)));
  }

  #finished(ep: Episode, id: number, outcome: RunOutcome & { succeeded: boolean }): void {
    if (this.#stopped) return;
    this.store.finishRun(id, outcome);
    const level = outcome.succeeded ? "info" : "warn";
    this.#log[level]("remediation result", {
      rule: ep.rule.name,
      fingerprint: ep.fingerprint,
      status: outcome.status,
      requestId: outcome.requestId,
    });
    if (this.#episodes.get(ep.fingerprint) !== ep || ep.run?.id !== id) return; // the alert resolved meanwhile
    ep.run.outcome = outcome;
    ep.note = note.resultNote(ep.run.what, outcome.detail, ep.run.number, ep.rule.limits);
    if (outcome.succeeded) {
      ep.phase = "verifying";
      ep.timer = this.#timer(ep.rule.limits.verifyAfterMs, () => this.#verify(ep));
      return;
    }
    const extra: AlertEvent[] = [];
    this.#giveUp(ep, this.#alert(ep.fingerprint), undefined, `${ep.run.what} ${outcome.detail}`, this.#now(), extra);
    this.#submit(extra);
  }

  /** `verifyAfter` after a successful run: the alert still firing on a newer reading means the action did not help. */
  #verify(ep: Episode): void {
    const alert = this.#current(ep);
    if (alert === undefined || ep.run?.outcome === undefined) return;
    const now = this.#now();
    const mutedBy = this.#o.muter.mutedBy(toAlertEvent(alert, "firing", now), now);
    if (mutedBy !== undefined) {
      ep.phase = "paused";
      ep.note = note.pausedNote(ep.run.what, mutedBy);
      return;
    }
    const sampled = alert.observedAt > ep.run.outcome.finishedAt;
    if (!sampled && !ep.verifyExtended) {
      ep.verifyExtended = true;
      ep.timer = this.#timer(ep.rule.limits.verifyAfterMs, () => this.#verify(ep));
      return;
    }
    const extra: AlertEvent[] = [];
    const why = note.persistedReason(ep.run.what, ep.run.outcome.detail, ep.rule.limits, sampled);
    this.#giveUp(ep, alert, undefined, why, now, extra);
    this.#submit(extra);
  }

  /** The back-off passed: the alert as it is now decides (it may have been silenced, or be over). */
  #retry(ep: Episode): void {
    const alert = this.#current(ep);
    if (alert === undefined) return;
    const now = this.#now();
    const extra: AlertEvent[] = [];
    this.#consider(ep.rule, alert, this.#o.muter.mutedBy(toAlertEvent(alert, "firing", now), now) ?? null, now, extra, ep);
    this.#submit(extra);
  }

  #giveUp(
    ep: Episode,
    alert: StoredAlert | undefined,
    plan: RemediationPlan | undefined,
    why: string,
    now: number,
    extra: AlertEvent[],
  ): void {
    clearTimeout(ep.timer);
    ep.phase = "gave_up";
    ep.note = note.gaveUpNote(why);
    const facts = alert ?? { fingerprint: ep.fingerprint, rule: ep.rule.name, hostId: null, labels: {}, value: null, threshold: null };
    const event = escalationEvent(facts, { status: "firing", startsAt: now, endsAt: null, why });
    this.store.insertGaveUp(entryFields(facts, plan ?? ep.run?.plan, ep.rule.remediation.action, now, why), event.fingerprint);
    this.#log.warn("remediation gave up; escalating", { rule: ep.rule.name, fingerprint: ep.fingerprint, why });
    extra.push(event);
  }

  #resolved(t: AlertTransition, now: number, extra: AlertEvent[]): void {
    const ep = this.#episodes.get(t.alert.fingerprint);
    if (ep !== undefined) {
      this.#end(ep);
      if (ep.note !== "") t.event.annotations.remediation = ep.note;
    }
    for (const e of this.store.openEscalations(t.alert.fingerprint)) {
      this.store.resolveEscalation(e.id, now);
      extra.push(escalationEvent(t.alert, { status: "resolved", startsAt: e.at, endsAt: now, why: e.detail }));
    }
  }

  #resume(rule: RemediationRule, a: StoredAlert, now: number, extra: AlertEvent[]): void {
    const ep = resumedEpisode(rule, a, this.store.forAlert(a.fingerprint, a.state.firingSince ?? 0), now);
    if (ep === undefined) {
      this.#consider(rule, a, this.#o.muter.mutedBy(toAlertEvent(a, "firing", now), now) ?? null, now, extra);
      return;
    }
    this.#episodes.set(a.fingerprint, ep);
    if (ep.phase === "verifying") ep.timer = this.#timer(rule.limits.verifyAfterMs, () => this.#verify(ep));
  }

  /** The episode's alert if it still fires the same firing; otherwise the episode is over. */
  #current(ep: Episode): StoredAlert | undefined {
    if (this.#stopped || this.#episodes.get(ep.fingerprint) !== ep) return undefined;
    const alert = this.#alert(ep.fingerprint);
    if (alert?.state.phase === "firing" && alert.state.firingSince === ep.firingSince) return alert;
    this.#end(ep);
    return undefined;
  }

  #end(ep: Episode): undefined {
    clearTimeout(ep.timer);
    if (this.#episodes.get(ep.fingerprint) === ep) this.#episodes.delete(ep.fingerprint);
    return undefined;
  }

  #timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => this.#guard("timer", fn), Math.max(0, ms));
    t.unref();
    return t;
  }

  #submit(events: AlertEvent[]): void {
    if (events.length > 0 && !this.#stopped) this.#o.sink.submit(events, "rules");
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error(`remediation ${what} failed`, { err });
    }
  }
}
