import type { CycleReport } from "../collectors/scheduler.ts";
import type { BatchSendResult } from "../transport/send-batch.ts";
import { Counter, Gauge, Histogram, type Registry } from "./prom-client-lib.ts";

/** Seconds: a collector cycle takes ~1 ms (/proc) to seconds (nvidia-smi without persistence mode, a probe's timeout). */
const CYCLE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: one POST of a batch to the hub, up to hub.timeout. */
const PUSH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * How one push attempt ended: acknowledged (or acknowledged as a duplicate), rejected as invalid
 * (400/413/422, set aside), refused (401/403 or another 4xx, retried), retryable (429, 5xx, an
 * unreadable acknowledgement), or unreachable (no HTTP answer: connection refused, timeout).
 */
export type PushOutcome = "acknowledged" | "duplicate" | "rejected" | "refused" | "retryable" | "unreachable";

export function pushOutcome(r: BatchSendResult): PushOutcome {
  if (r.kind === "success") return r.duplicate ? "duplicate" : "acknowledged";
  if (r.status === undefined) return "unreachable";
  if (r.kind === "failure") return r.reject ? "rejected" : "refused";
  return "retryable";
}

/** The label for an action name that is not in this agent's catalog: a refused request's name is not trusted to bound the series. */
export const UNLISTED_ACTION = "_unlisted";

/**
 * The agent's self-metrics that count events as they happen: collector cycles, push attempts,
 * action requests. The collectors, the pusher and the actions call these; what is read from the
 * store and live state at each scrape is in state-metrics.ts.
 */
export class ActivityMetrics {
  readonly #cycleSeconds;
  readonly #cycles;
  readonly #samples;
  readonly #states;
  readonly #pushes;
  readonly #pushSeconds;
  readonly #hubReachable;
  readonly #actions;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#cycleSeconds = new Histogram({
      name: "vigil_collector_cycle_duration_seconds",
      help: "Wall time of each collector cycle, whatever its outcome (a timed-out cycle counts its timeout).",
      labelNames: ["collector"] as const,
      buckets: CYCLE_BUCKETS,
      registers,
    });
    this.#cycles = new Counter({
      name: "vigil_collector_cycles_total",
      help: "Collector cycles by outcome: ok, error (failed or timed out), unavailable (tool, socket or permission missing).",
      labelNames: ["collector", "outcome"] as const,
      registers,
    });
    this.#samples = new Counter({
      name: "vigil_collector_samples_total",
      help: "Numeric samples collected and kept (after the wire checks), the collector's own timing series not counted.",
      labelNames: ["collector"] as const,
      registers,
    });
    this.#states = new Counter({
      name: "vigil_collector_states_total",
      help: "State records (pool health, unit state, ...) collected and kept.",
      labelNames: ["collector"] as const,
      registers,
    });
    this.#pushes = new Counter({
      name: "vigil_push_attempts_total",
      help: "Batches posted to the hub, by outcome: acknowledged, duplicate, rejected, refused, retryable, unreachable.",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.#pushSeconds = new Histogram({
      name: "vigil_push_duration_seconds",
      help: "Wall time of one push attempt: connect, send the gzipped batch, read the answer (bounded by hub.timeout).",
      buckets: PUSH_BUCKETS,
      registers,
    });
    this.#hubReachable = new Gauge({
      name: "vigil_push_hub_up",
      help: "1 when the last push attempt got an HTTP answer from the hub (whatever its status), 0 when it got none; absent before the first attempt.",
      registers,
    });
    // Until the first attempt there is nothing to say (missing is not zero).
    this.#hubReachable.remove();
    this.#actions = new Counter({
      name: "vigil_action_requests_total",
      help: "Action requests from the hub handled by this agent, by action and result: succeeded, failed, timed_out, refused, dry_run.",
      labelNames: ["action", "status"] as const,
      registers,
    });
  }

  collectorCycle(r: CycleReport): void {
    this.#cycleSeconds.observe({ collector: r.collector }, r.seconds);
    this.#cycles.inc({ collector: r.collector, outcome: r.outcome });
    // Also by 0, so a collector that has kept nothing yet shows 0 rather than no series.
    this.#samples.inc({ collector: r.collector }, r.samples);
    this.#states.inc({ collector: r.collector }, r.states);
  }

  pushAttempt(result: BatchSendResult, seconds: number): void {
    this.#pushes.inc({ outcome: pushOutcome(result) });
    this.#pushSeconds.observe(seconds);
    this.#hubReachable.set(result.status === undefined ? 0 : 1);
  }

  /** `listed`: the action is in this agent's catalog; otherwise it is counted as UNLISTED_ACTION. */
  actionHandled(action: string, listed: boolean, status: string): void {
    this.#actions.inc({ action: listed ? action : UNLISTED_ACTION, status });
  }
}
