import type { HostSummary } from "../../shared/api/hosts.ts";
import { canonicalLabels } from "../../shared/labels.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { AlertEvent, AlertSeverity } from "../../shared/protocol/alert.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { AlertSink, Muter } from "../notify/alert-sink.ts";
import { type AlertState, INACTIVE, type StepResult, step } from "./alert-machine.ts";
import { renderAnnotations, toAlertEvent } from "./alert-event.ts";
import type { AlertStore, StoredAlert } from "./alert-store.ts";
import type { AlertHistoryEntry } from "./alerts-api.ts";
import type { CompiledRule } from "./compiled-rule.ts";
import { levelsMet, type Observation, thresholdOf } from "./condition.ts";
import { alertFingerprint } from "./fingerprint.ts";
import { RuleIndex } from "./rule-index.ts";
import type { AlertTransition, AlertTransitionHook } from "./transition-hook.ts";

export interface RulesEngineOptions {
  rules: readonly CompiledRule[];
  store: AlertStore;
  sink: AlertSink;
  muter: Muter;
  /** Every known host with its up/down status (the host registry). */
  hosts: (now: number) => readonly HostSummary[];
  /** How long after its last heartbeat the host turns down: the host-down alert's threshold. */
  downAfterMs: (host: HostSummary) => number;
  logger: Logger;
  /** Samples older than this when they arrive (a backlog after an outage) are stored but not evaluated. */
  maxSampleAgeMs?: number;
  /** Told of each firing and resolved transition before the notifier (automatic remediation). */
  hook?: AlertTransitionHook | undefined;
}

interface Change {
  alert: StoredAlert;
  from: AlertState["phase"];
  reason: AlertHistoryEntry["reason"] | null;
  notify: AlertEvent["status"] | null;
}

type Met = { observation: Observation } | { none: true };

const DEFAULT_MAX_SAMPLE_AGE_MS = 15 * 60_000;

/**
 * Evaluates rules: on each stored batch for the rules its samples and states touch (`onBatch`), and
 * on a timer for what is noticed by absence (`tick`: hosts down, series no longer reported, silences
 * that ended over a firing alert). Each evaluation runs the alert's state machine; the changes of one
 * call are written, with their history and the notifications handed to the sink, in one transaction.
 */
export class RulesEngine {
  readonly index: RuleIndex;
  readonly #o: RulesEngineOptions;
  readonly #alerts = new Map<string, StoredAlert>();
  readonly #maxSampleAgeMs: number;

  constructor(o: RulesEngineOptions, now: number) {
    this.#o = o;
    this.index = new RuleIndex(o.rules);
    this.#maxSampleAgeMs = o.maxSampleAgeMs ?? DEFAULT_MAX_SAMPLE_AGE_MS;
    const orphans: Change[] = [];
    for (const a of o.store.loadAll()) {
      if (this.index.byName(a.rule)) this.#alerts.set(a.fingerprint, a);
      else if (a.state.phase !== "resolved") orphans.push(this.#retire(a, now));
    }
    // A rule removed from the config while its alert was active: resolve it, so a firing one is not left open downstream.
    this.#commit(orphans, now);
  }

  /** Alerts in memory (pending, firing, resolved), for tests and diagnostics. */
  get alerts(): ReadonlyMap<string, StoredAlert> {
    return this.#alerts;
  }

  onBatch(batch: SampleBatch, now: number): void {
    const { agentId, labels: hostLabels } = batch.host;
    const newest = new Map<string, { rule: CompiledRule; labels: Record<string, string>; at: number; observation: Observation }>();
    const applies = new Map<CompiledRule, boolean>();
    const consider = (rules: readonly CompiledRule[], labels: Record<string, string>, at: number, observation: Observation) => {
      for (const rule of rules) {
        let ok = applies.get(rule);
        if (ok === undefined) applies.set(rule, (ok = rule.appliesToHost(agentId, hostLabels)));
        if (!ok || !rule.matchLabels(labels)) continue;
        const key = `${rule.name}\u0000${canonicalLabels(labels)}`;
        const seen = newest.get(key);
        if (seen === undefined || seen.at <= at) newest.set(key, { rule, labels, at, observation });
      }
    };
    for (const s of batch.samples) {
      const rules = this.index.forSeries(s.name);
      if (rules) consider(rules, s.labels, s.timestamp, { kind: "value", value: s.value });
    }
    for (const s of batch.states) {
      const rules = this.index.forState(s.name);
      if (rules) consider(rules, s.labels, s.timestamp, { kind: "state", state: s.state });
    }
    const changes: Change[] = [];
    for (const c of newest.values()) {
      if (now - c.at > this.#maxSampleAgeMs) continue;
      const change = this.#evaluate(c.rule, agentId, c.labels, { observation: c.observation }, c.at, now);
      if (change) changes.push(change);
    }
    // A batch is a heartbeat: a host-down alert of this host resolves now rather than at the next tick.
    for (const rule of this.index.hostDown) {
      const active = this.#alerts.get(alertFingerprint(rule.name, agentId, {}));
      if (active?.state.phase !== "firing" && active?.state.phase !== "pending") continue;
      const change = this.#evaluate(rule, agentId, {}, { observation: { kind: "hostDown", down: false } }, now, now);
      if (change) changes.push(change);
    }
    this.#commit(changes, now);
  }

  tick(now: number): void {
    const hosts = this.#o.hosts(now);
    const byId = new Map(hosts.map((h) => [h.id, h]));
    const changes: Change[] = [];
    for (const rule of this.index.hostDown) {
      for (const h of hosts) {
        if (!rule.appliesToHost(h.id, h.labels)) continue;
        const observation: Observation = { kind: "hostDown", down: h.status === "down" };
        const extra = { value: Math.round((now - h.lastSeen) / 1000), threshold: Math.round(this.#o.downAfterMs(h) / 1000) };
        const change = this.#evaluate(rule, h.id, {}, { observation }, now, now, extra);
        if (change) changes.push(change);
      }
    }
    for (const a of this.#alerts.values()) {
      if (a.hostId !== null && !byId.has(a.hostId)) {
        // The host was forgotten (its rows went with it).
        this.#alerts.delete(a.fingerprint);
        continue;
      }
      const rule = this.index.byName(a.rule);
      if (!rule) continue;
      const active = a.state.phase === "pending" || a.state.phase === "firing";
      const hostUp = a.hostId !== null && byId.get(a.hostId)?.status === "up";
      if (active && rule.target.kind !== "hostDown" && hostUp && now - a.observedAt > rule.absentAfterMs) {
        const change = this.#evaluate(rule, a.hostId, a.labels, { none: true }, a.observedAt, now);
        if (change) changes.push({ ...change, reason: change.reason === null ? null : "absent" });
      } else if (a.state.phase === "firing" && a.mutedBy !== null && !this.#o.muter.mutedBy(toAlertEvent(a, "firing", now), now)) {
        // The silence or maintenance window ended with the alert still firing: notify it now.
        const alert = { ...a, state: { ...a.state, lastNotifiedAt: now }, mutedBy: null, evaluatedAt: now };
        changes.push({ alert, from: "firing", reason: "unmuted", notify: "firing" });
      }
    }
    this.#commit(changes, now);
  }

  #evaluate(
    rule: CompiledRule,
    hostId: string | null,
    labels: Readonly<Record<string, string>>,
    met: Met,
    observedAt: number,
    now: number,
    extra?: { value: number; threshold: number },
  ): Change | undefined {
    const fingerprint = alertFingerprint(rule.name, hostId, labels);
    const prev = this.#alerts.get(fingerprint);
    if (prev !== undefined && observedAt < prev.observedAt) return undefined; // an older sample arriving late
    const before = prev?.state ?? INACTIVE;
    const severities =
      "none" in met ? [] : levelsMet(rule.condition, met.observation, new Set(Object.keys(before.metSince) as AlertSeverity[]));
    // The common case costs nothing more: no alert, condition not met.
    if (prev === undefined && severities.length === 0) return undefined;
    const r: StepResult = step(before, severities, now, rule);
    // A resolved alert whose condition still does not hold: nothing to write (it may get samples for days).
    if (r.reason === null && r.state.phase === "resolved") return undefined;
    const obs = "none" in met ? undefined : met.observation;
    const base = {
      fingerprint,
      rule: rule.name,
      hostId,
      labels,
      state: r.state,
      value: obs?.kind === "value" ? obs.value : (extra?.value ?? prev?.value ?? null),
      threshold: thresholdOf(rule.condition, r.state.severity) ?? extra?.threshold ?? null,
      observedState: obs?.kind === "state" ? obs.state : (prev?.observedState ?? null),
      observedAt,
      evaluatedAt: now,
    };
    const alert: StoredAlert = { ...base, annotations: renderAnnotations(rule, base), mutedBy: prev?.mutedBy ?? null };
    return { alert, from: before.phase, reason: r.reason, notify: r.notify };
  }

  /** A removed rule's active alert, resolved. */
  #retire(a: StoredAlert, now: number): Change {
    const notify = a.state.phase === "firing" ? "resolved" : null;
    const state: AlertState = { ...a.state, phase: a.state.resolvedAt === null && notify === null ? "inactive" : "resolved", metSince: {} };
    if (notify) state.resolvedAt = now;
    return { alert: { ...a, state, evaluatedAt: now }, from: a.state.phase, reason: "removed", notify };
  }

  #commit(changes: readonly Change[], now: number): void {
    if (changes.length === 0) return;
    const { store, sink, muter } = this.#o;
    store.db.transaction(() => {
      const events: AlertEvent[] = [];
      const transitions: AlertTransition[] = [];
      for (const ch of changes) {
        let mutedBy = null;
        if (ch.notify !== null) {
          const event = toAlertEvent(ch.alert, ch.notify, now);
          mutedBy = muter.mutedBy(event, now) ?? null;
          if (ch.notify === "firing") ch.alert.mutedBy = mutedBy;
          events.push(event);
          transitions.push({ event, alert: ch.alert, reason: ch.reason, mutedBy });
          this.#o.logger.info(`alert ${ch.notify}`, {
            rule: event.rule,
            host: event.hostId,
            labels: event.labels,
            severity: event.severity,
            reason: ch.reason,
            fingerprint: event.fingerprint,
            ...(mutedBy ? { mutedBy: mutedBy.id } : {}),
          });
        }
        store.save(ch.alert);
        if (ch.reason !== null) store.addHistory(historyOf(ch, mutedBy, now));
      }
      if (events.length > 0) sink.submit([...events, ...this.#hooked(transitions, now)], "rules");
    })();
    for (const { alert } of changes) {
      if (alert.state.phase === "inactive") this.#alerts.delete(alert.fingerprint);
      else this.#alerts.set(alert.fingerprint, alert);
    }
  }

  /** The hook's further events; a hook that throws must not cost the transitions their notifications. */
  #hooked(transitions: readonly AlertTransition[], now: number): AlertEvent[] {
    if (this.#o.hook === undefined || transitions.length === 0) return [];
    try {
      return this.#o.hook.onTransitions(transitions, now);
    } catch (err) {
      this.#o.logger.error("alert transition hook failed", { err });
      return [];
    }
  }
}

function historyOf(ch: Change, mutedBy: AlertHistoryEntry["mutedBy"], now: number): Omit<AlertHistoryEntry, "id"> {
  const a = ch.alert;
  return {
    at: now,
    fingerprint: a.fingerprint,
    rule: a.rule,
    hostId: a.hostId,
    labels: a.labels,
    from: ch.from,
    to: a.state.phase,
    reason: ch.reason ?? "pending",
    severity: a.state.severity,
    value: a.value,
    threshold: a.threshold,
    observedState: a.observedState,
    notification: ch.notify,
    mutedBy,
  };
}
