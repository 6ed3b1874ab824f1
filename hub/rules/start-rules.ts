import type { HostSummary } from "../../shared/api/hosts.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { AlertSink, Muter } from "../notify/alert-sink.ts";
import { failSpan, withSpan } from "../../shared/telemetry/tracer.ts";
import { AlertStore } from "./alert-store.ts";
import { compileRule } from "./compiled-rule.ts";
import type { RuleConfig } from "./rule-schema.ts";
import { RulesEngine } from "./rules-engine.ts";
import type { AlertTransitionHook } from "./transition-hook.ts";

export interface StartRulesOptions {
  db: Db;
  /** The effective built-in rules and the user's rules, as the config parsed them. */
  config: { builtinRules: readonly RuleConfig[]; rules: readonly RuleConfig[] };
  /** The host registry's view: every host with up/down, and its down-after time. */
  hosts: (now: number) => readonly HostSummary[];
  downAfterMs: (host: HostSummary) => number;
  sink: AlertSink;
  muter: Muter;
  logger: Logger;
  now?: () => number;
  /** How often absence is checked (hosts down, series gone, silences ended). */
  tickMs?: number;
  /** Told of each firing and resolved transition before the notifier (automatic remediation). */
  hook?: AlertTransitionHook | undefined;
  /** Told how long each evaluation took, on a stored batch or on the timer (the hub's metrics). */
  onEvaluated?: ((trigger: "batch" | "timer", seconds: number) => void) | undefined;
}

export interface RulesRuntime {
  engine: RulesEngine;
  /** The store's batch observer: evaluates the rules a just-stored batch touches. Never throws. */
  onBatchStored(batch: SampleBatch, now: number): void;
  /** One absence check now (the timer calls it). Never throws. */
  tick(): void;
  stop(): void;
}

const HISTORY_KEPT_MS = 90 * 86_400_000;
const RESOLVED_KEPT_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Compiles the rules, loads alert state and starts the absence timer. */
export function startRules(o: StartRulesOptions): RulesRuntime {
  const now = o.now ?? Date.now;
  const log = o.logger.child({ component: "rules" });
  const rules = [...o.config.builtinRules.map((r) => compileRule(r, true)), ...o.config.rules.map((r) => compileRule(r, false))];
  const store = new AlertStore(o.db);
  const engine = new RulesEngine(
    { rules, store, sink: o.sink, muter: o.muter, hosts: o.hosts, downAfterMs: o.downAfterMs, logger: log, hook: o.hook },
    now(),
  );
  // An evaluation failure must neither fail the ingest request (the batch is stored) nor stop the timer.
  const guarded = (what: string, fn: () => void, trigger?: "batch" | "timer") => {
    const started = performance.now();
    try {
      fn();
      if (trigger) o.onEvaluated?.(trigger, (performance.now() - started) / 1000);
    } catch (err) {
      failSpan(err instanceof Error ? err.name : "Error", String(err));
      log.error(`alert evaluation failed (${what})`, { err });
    }
  };
  // Each round is a trace of its own: one group commit stores many agents' batches, inside whichever
  // push's request scheduled it, which is no parent of this batch's round.
  const round = { "vigil.rules.count": rules.length };
  const timerRound = { ...round, "vigil.rules.trigger": "timer" };
  const tick = () => withSpan("evaluate rules", timerRound, () => guarded("timer", () => engine.tick(now()), "timer"), { root: true });
  let lastPrune = 0;
  const timer = setInterval(() => {
    tick();
    const t = now();
    if (t - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = t;
    guarded("prune", () => {
      const removed = store.prune({ historyBefore: t - HISTORY_KEPT_MS, resolvedBefore: t - RESOLVED_KEPT_MS });
      if (removed.history + removed.resolved > 0) log.debug("pruned alert history", removed);
    });
  }, o.tickMs ?? 5000);
  timer.unref();
  log.info("alert rules loaded", {
    builtin: o.config.builtinRules.map((r) => r.name),
    custom: o.config.rules.map((r) => r.name),
    activeAlerts: [...engine.alerts.values()].filter((a) => a.state.phase !== "resolved").length,
  });
  return {
    engine,
    onBatchStored: (batch, at) =>
      withSpan(
        "evaluate rules",
        { ...round, "vigil.rules.trigger": "batch", "vigil.agent.id": batch.host.agentId, "vigil.batch.sequence": batch.sequence },
        () => guarded(`batch from ${batch.host.agentId}`, () => engine.onBatch(batch, at), "batch"),
        { root: true },
      ),
    tick,
    stop: () => clearInterval(timer),
  };
}
