import type { Logger } from "../../shared/log/logger.ts";
import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { AlertSink, AlertSource, MuteReason, Muter } from "./alert-sink.ts";
import type { NotifiedAlert } from "./notification.ts";
import { DedupKeys, dedupKey } from "./outbox/dedup-keys.ts";
import type { OutboxStore } from "./outbox/outbox-store.ts";
import type { Router } from "./routing/router.ts";

/** What one submit did, per (alert, channel) pair. */
export interface SubmitOutcome {
  /** Alert transitions written to the outbox. */
  enqueued: number;
  /** Outbox messages created or joined. */
  messages: number;
  /** Already sent (or enqueued) to that channel before: not sent again. */
  duplicates: number;
  /** Held back by a silence or maintenance window. */
  muted: number;
  /** Resolved alerts for channels with sendResolved: false. */
  resolvedSkipped: number;
  /** Alerts no route matched (counted once per alert). */
  unrouted: number;
}

export interface NotifierOptions {
  outbox: OutboxStore;
  router: Router;
  /** The configured channels by name: whether each wants resolved alerts. */
  channels: ReadonlyMap<string, { sendResolved: boolean }>;
  groupWaitMs: number;
  muter?: Muter | undefined;
  logger: Logger;
  now?: () => number;
  /** Called after a submit enqueued something: wakes the dispatcher. */
  onEnqueued?: () => void;
}

/**
 * The AlertSink: route -> deduplicate -> mute -> group, written to the outbox in one SQLite
 * transaction before `submit` returns, so a hub killed right after still delivers after its restart.
 * Alerts for the same channel and group key join one message while its group window is open.
 *
 * Deduplication by (fingerprint, status, startsAt) per channel, kept across restarts, applies to
 * Alertmanager alerts: Alertmanager resends every alert of a group with each notification of the
 * group. The hub's own rules are trusted instead: the engine writes its transitions in the same
 * transaction as this outbox, so a restart cannot replay one, and its escalations, de-escalations and
 * `repeat` reminders deliberately carry the same (fingerprint, status, startsAt) as the first firing.
 * Within one submit call a transition is sent once whatever its source.
 */
export class Notifier implements AlertSink {
  readonly #o: NotifierOptions;
  readonly #keys: DedupKeys;
  readonly #now: () => number;
  readonly #muter: Muter | undefined;

  constructor(o: NotifierOptions) {
    this.#o = o;
    this.#keys = new DedupKeys(o.outbox.db);
    this.#now = o.now ?? Date.now;
    this.#muter = o.muter;
  }

  get keys(): DedupKeys {
    return this.#keys;
  }

  submit(events: readonly AlertEvent[], source: AlertSource): SubmitOutcome {
    return this.submitAlerts(events.map((e) => ({ ...e, source })));
  }

  /** As submit, for alerts that carry more than an AlertEvent (an Alertmanager alert's generatorURL). */
  submitAlerts(alerts: readonly NotifiedAlert[]): SubmitOutcome {
    const now = this.#now();
    const outcome = this.#o.outbox.db.transaction(() => this.#enqueue(alerts, now))();
    if (outcome.enqueued > 0) this.#o.onEnqueued?.();
    return outcome;
  }

  #enqueue(alerts: readonly NotifiedAlert[], now: number): SubmitOutcome {
    const { outbox, router, channels, logger } = this.#o;
    const out: SubmitOutcome = { enqueued: 0, messages: 0, duplicates: 0, muted: 0, resolvedSkipped: 0, unrouted: 0 };
    const messages = new Map<number, NotifiedAlert[]>();
    const openGroups = new Map<string, number>();
    const thisCall = new Set<string>();

    for (const alert of alerts) {
      const targets = router.targets(alert);
      if (targets.length === 0) {
        out.unrouted++;
        logger.warn("alert matched no route; nobody is notified", {
          rule: alert.rule,
          fingerprint: alert.fingerprint,
          source: alert.source,
        });
        continue;
      }
      const silenced = this.#muter?.mutedBy(alert, now);
      const key = dedupKey(alert);
      for (const target of targets) {
        if (alert.status === "resolved" && channels.get(target.channel)?.sendResolved === false) {
          out.resolvedSkipped++;
          continue;
        }
        const callKey = `${target.channel}\u0000${key}`;
        const repeated = thisCall.has(callKey);
        thisCall.add(callKey);
        const known = alert.source === "alertmanager" ? this.#keys.get(target.channel, key) : undefined;
        if (repeated || (known !== undefined && known.mutedBy === null)) {
          this.#keys.touch(target.channel, key, now);
          out.duplicates++;
          continue;
        }
        const muted = silenced ?? this.#mutedFiring(alert, target.channel);
        if (muted !== undefined) {
          this.#keys.recordMuted(target.channel, key, alert, muted, now);
          out.muted++;
          continue;
        }
        const groupId = `${target.channel}\u0000${target.groupKey}`;
        let id = openGroups.get(groupId);
        if (id === undefined) {
          const open = outbox.openGroup(target.channel, target.groupKey, now);
          if (open) {
            id = open.id;
            messages.set(id, open.alerts);
          } else {
            id = outbox.insert({ ...target, alerts: [], now, dueAt: now + this.#o.groupWaitMs });
            messages.set(id, []);
          }
          openGroups.set(groupId, id);
        }
        messages.get(id)?.push(alert);
        this.#keys.recordSent(target.channel, key, id, now);
        out.enqueued++;
      }
    }
    for (const [id, list] of messages) outbox.setAlerts(id, list);
    out.messages = messages.size;
    return out;
  }

  /** A resolution is held back when its firing was muted: nobody was told it fired. */
  #mutedFiring(alert: NotifiedAlert, channel: string): MuteReason | undefined {
    if (alert.status !== "resolved") return undefined;
    return this.#keys.get(channel, dedupKey({ ...alert, status: "firing" }))?.mutedBy ?? undefined;
  }
}
