import type { Logger } from "../../shared/log/logger.ts";
import type { NumericSample } from "../../shared/protocol/samples.ts";
import { checkObservations } from "./check-observations.ts";
import type { Collector, Observations } from "./collector.ts";

export interface ScheduledCollector {
  collector: Collector;
  intervalMs: number;
  timeoutMs: number;
}

export interface CollectorStatus {
  name: string;
  state: "never_run" | "ok" | "unavailable" | "error";
  detail: string | undefined;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  errorsTotal: number;
  /** Observations dropped because the hub would refuse them (NaN, a malformed name). */
  droppedTotal: number;
  runsTotal: number;
}

export interface SchedulerOptions {
  collectors: ScheduledCollector[];
  /** Receives each successful cycle's observations, including the collector's own timing samples. */
  sink: (obs: Observations, collectedAt: number) => void;
  logger: Logger;
  now?: () => number;
}

class CollectorTimeout extends Error {
  override readonly name = "CollectorTimeout";
}

/**
 * Runs every collector on its own timer, so one slow collector never delays another. A cycle that
 * passes its timeout is abandoned (its signal aborted) and counted as an error. "Unavailable" and
 * errors are logged when they change, not every cycle.
 */
export class CollectorScheduler {
  readonly #o: SchedulerOptions;
  readonly #now: () => number;
  readonly #status = new Map<string, CollectorStatus>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #lastDropReason = new Map<string, string | undefined>();
  #stopped = false;

  constructor(opts: SchedulerOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    for (const c of opts.collectors) {
      this.#status.set(c.collector.name, {
        name: c.collector.name,
        state: "never_run",
        detail: undefined,
        lastRunAt: null,
        lastDurationMs: null,
        errorsTotal: 0,
        droppedTotal: 0,
        runsTotal: 0,
      });
    }
  }

  start(): void {
    for (const c of this.#o.collectors) this.#loop(c, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    await Promise.allSettled([...this.#inFlight]);
  }

  statuses(): CollectorStatus[] {
    return [...this.#status.values()].map((s) => ({ ...s }));
  }

  /** True once every collector has finished at least one cycle, whatever its outcome. */
  allRanOnce(): boolean {
    return [...this.#status.values()].every((s) => s.state !== "never_run");
  }

  /** Runs one cycle of one collector now. Exposed for tests and for a first cycle at start. */
  async runOnce(c: ScheduledCollector): Promise<void> {
    const status = this.#status.get(c.collector.name) as CollectorStatus;
    const startedAt = this.#now();
    const t0 = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new CollectorTimeout(`did not finish within ${c.timeoutMs} ms`));
      }, c.timeoutMs);
    });
    let outcome: Awaited<ReturnType<Collector["collect"]>> | undefined;
    let error: unknown;
    try {
      outcome = await Promise.race([c.collector.collect({ now: startedAt, signal: controller.signal }), timeout]);
    } catch (err) {
      error = err;
    } finally {
      clearTimeout(timer);
    }
    const durationMs = performance.now() - t0;
    status.runsTotal++;
    status.lastRunAt = startedAt;
    status.lastDurationMs = durationMs;

    if (error !== undefined) {
      status.errorsTotal++;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#transition(status, "error", detail);
    } else if (outcome?.kind === "unavailable") {
      this.#transition(status, "unavailable", outcome.reason);
    } else {
      this.#transition(status, "ok", undefined);
    }
    const checked = outcome?.kind === "ok" ? this.#check(status, outcome) : { samples: [], states: [] };
    const own = selfSamples(status, startedAt, durationMs, outcome?.kind === "ok");
    const obs: Observations = { samples: [...checked.samples, ...own], states: checked.states };
    try {
      this.#o.sink(obs, startedAt);
    } catch (err) {
      this.#o.logger.error("could not store observations", { collector: status.name, err });
    }
  }

  /** Drops what the hub would refuse, counting it and logging when the reason changes. */
  #check(status: CollectorStatus, obs: Observations): Observations {
    const { valid, dropped } = checkObservations(obs);
    const first = dropped[0];
    const reason = first ? `${first.path}: ${first.message}` : undefined;
    if (dropped.length > 0) {
      status.droppedTotal += dropped.length;
      if (reason !== this.#lastDropReason.get(status.name)) {
        this.#o.logger.warn("collector produced observations the hub would refuse; they were dropped", {
          collector: status.name,
          dropped: dropped.length,
          examples: dropped.slice(0, 3).map((d) => `${d.path}: ${d.message}`),
        });
      }
    }
    this.#lastDropReason.set(status.name, reason);
    return valid;
  }

  #loop(c: ScheduledCollector, delayMs: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const started = this.#now();
      const run = this.runOnce(c).finally(() => {
        this.#inFlight.delete(run);
        // Fixed rate: the next cycle starts one interval after this one started.
        this.#loop(c, Math.max(0, c.intervalMs - (this.#now() - started)));
      });
      this.#inFlight.add(run);
    }, delayMs);
    this.#timers.add(timer);
  }

  #transition(status: CollectorStatus, state: CollectorStatus["state"], detail: string | undefined): void {
    const changed = status.state !== state || status.detail !== detail;
    const was = status.state;
    status.state = state;
    status.detail = detail;
    if (!changed) return;
    const log = this.#o.logger;
    if (state === "unavailable") log.info("collector unavailable; will retry", { collector: status.name, reason: detail });
    else if (state === "error") log.warn("collector cycle failed; will retry", { collector: status.name, error: detail });
    else if (was === "unavailable" || was === "error") log.info("collector recovered", { collector: status.name });
  }
}

function selfSamples(status: CollectorStatus, timestamp: number, durationMs: number, ok: boolean): NumericSample[] {
  const labels = { collector: status.name };
  return [
    { name: "vigil_collector_duration_seconds", labels, timestamp, value: durationMs / 1000 },
    { name: "vigil_collector_errors_total", labels, timestamp, value: status.errorsTotal },
    { name: "vigil_collector_dropped_observations_total", labels, timestamp, value: status.droppedTotal },
    { name: "vigil_collector_up", labels, timestamp, value: ok ? 1 : 0 },
  ];
}
