import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { NextStep } from "../notify/delivery/retry-policy.ts";
import type { StoredAlert } from "../rules/alert-store.ts";

/** What triggered an evaluation of the alert rules: a stored batch, or the absence timer. */
export type EvaluationTrigger = "batch" | "timer";

/** The alert rules (evaluation time, alerts pending and firing) and notification delivery (attempts, queue). */
export class AlertingMetrics {
  readonly #evaluations;
  readonly #attempts;
  #alerts: (() => Iterable<StoredAlert>) | undefined;
  #queueDepth: (() => number) | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#evaluations = new Histogram({
      name: "vigil_hub_rule_evaluation_duration_seconds",
      help: "Time to evaluate the alert rules a stored batch touches (trigger=batch), or every absence rule on the timer (trigger=timer); notification included.",
      labelNames: ["trigger"] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const alerts = () => this.#alerts;
    new Gauge({
      name: "vigil_hub_alerts",
      help: "Alerts by rule and state: pending (condition met, waiting for its for: duration) or firing; silenced ones included.",
      labelNames: ["rule", "state"] as const,
      registers,
      collect() {
        this.reset();
        for (const a of alerts()?.() ?? []) {
          const phase = a.state.phase;
          if (phase === "pending" || phase === "firing") this.inc({ rule: a.rule, state: phase });
        }
      },
    });
    this.#attempts = new Counter({
      name: "vigil_hub_notification_attempts_total",
      help: "Delivery attempts of notifications per channel, by outcome: delivered (sent), retry (failed, tried again later), dead (failed for good).",
      labelNames: ["channel", "outcome"] as const,
      registers,
    });
    const depth = () => this.#queueDepth;
    new Gauge({
      name: "vigil_hub_notification_queue_depth",
      help: "Notifications waiting in the delivery outbox.",
      registers,
      collect() {
        this.set(depth()?.() ?? 0);
      },
    });
  }

  ruleEvaluated(trigger: EvaluationTrigger, seconds: number): void {
    this.#evaluations.observe({ trigger }, seconds);
  }

  notificationAttempt(channel: string, step: NextStep["kind"]): void {
    this.#attempts.inc({ channel, outcome: step });
  }

  /** Where the alerts are read at each scrape (the rules engine's). */
  watchAlerts(alerts: () => Iterable<StoredAlert>): void {
    this.#alerts = alerts;
  }

  /** Where the notification outbox's depth is read at each scrape. */
  watchQueue(depth: () => number): void {
    this.#queueDepth = depth;
  }
}
