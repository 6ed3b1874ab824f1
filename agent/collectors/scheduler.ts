import type { Logger } from "../../shared/log/logger.ts";
import type { NumericSample } from "../../shared/protocol/samples.ts";
import { checkObservations } from "./check-observations.ts";
import type { Collector, Observations } from "./collector.ts";

/**
 * A collector that can ask for a cycle before its interval ends: the units collector, when the
 * process of a unit it watches exits. The scheduler hands it `wake` at start; it returns what stops
 * the watching, called at stop.
 */
export interface WakingCollector extends Collector {
  watchWakes(wake: () => void): () => void;
}

export interface ScheduledCollector {
  collector: Collector & Partial<Pick<WakingCollector, "watchWakes">>;
  intervalMs: number;
  timeoutMs: number;
}

/** Woken cycles of one collector start at least this long apart, however often it asks. */
export const MIN_WAKE_GAP_MS = 50;

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
  /** Least time between the starts of a woken cycle and the cycle before it (default MIN_WAKE_GAP_MS). */
  minWakeGapMs?: number;
  /** Told of every finished cycle (the agent's self-metrics). */
  onCycle?: (report: CycleReport) => void;
}

/** One finished cycle: its outcome, wall time, and what it kept (the collector's own timing samples not counted). */
export interface CycleReport {
  collector: string;
  outcome: "ok" | "unavailable" | "error";
  seconds: number;
  samples: number;
  states: number;
}

/** One collector's timer and whether a cycle of it is running or asked for. */
interface Slot {
  scheduled: ScheduledCollector;
  timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires (ms, performance.now()). */
  dueAt: number;
  running: boolean;
  /** Woken while running: run again once this cycle ends (it may have read the state before the change). */
  wokenWhileRunning: boolean;
  /** When the last cycle started (ms, performance.now()); -Infinity before the first. */
  lastStartAt: number;
}

class CollectorTimeout extends Error {
  override readonly name = "CollectorTimeout";
}

/**
 * Runs every collector on its own timer, so one slow collector never delays another. A cycle that
 * passes its timeout is abandoned (its signal aborted) and counted as an error. "Unavailable" and
 * errors are logged when they change, not every cycle. A collector may be woken before its interval
 * ends (`wake`): wakes coalesce, never start a second cycle of a collector beside a running one, and
 * start cycles at least `minWakeGapMs` apart; the fixed rate then counts from the woken cycle.
 */
export class CollectorScheduler {
  readonly #o: SchedulerOptions;
  readonly #now: () => number;
  readonly #status = new Map<string, CollectorStatus>();
  readonly #slots = new Map<string, Slot>();
  readonly #unwatch: Array<() => void> = [];
  readonly #minWakeGapMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #lastDropReason = new Map<string, string | undefined>();
  #started = false;
  #stopped = false;

  constructor(opts: SchedulerOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    this.#minWakeGapMs = opts.minWakeGapMs ?? MIN_WAKE_GAP_MS;
    for (const c of opts.collectors) {
      this.#slots.set(c.collector.name, {
        scheduled: c,
        timer: undefined,
        dueAt: Number.POSITIVE_INFINITY,
        running: false,
        wokenWhileRunning: false,
        lastStartAt: Number.NEGATIVE_INFINITY,
      });
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
    this.#started = true;
    for (const slot of this.#slots.values()) {
      this.#schedule(slot, 0);
      const { collector } = slot.scheduled;
      if (collector.watchWakes) this.#unwatch.push(collector.watchWakes(() => this.wake(collector.name)));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
    for (const slot of this.#slots.values()) clearTimeout(slot.timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Runs a cycle of the named collector as soon as it may: now if it has waited `minWakeGapMs` since
   * its last start, else when it has; once the running cycle ends if one runs. Wakes before start,
   * after stop, or for an unknown name do nothing.
   */
  wake(name: string): void {
    const slot = this.#slots.get(name);
    if (slot === undefined || !this.#started || this.#stopped) return;
    if (slot.running) {
      slot.wokenWhileRunning = true;
      return;
    }
    const delay = Math.max(0, slot.lastStartAt + this.#minWakeGapMs - performance.now());
    // A cycle already due sooner takes this wake with it.
    if (performance.now() + delay < slot.dueAt) this.#schedule(slot, delay);
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
    this.#o.onCycle?.({
      collector: status.name,
      outcome: error !== undefined ? "error" : outcome?.kind === "unavailable" ? "unavailable" : "ok",
      seconds: durationMs / 1000,
      samples: checked.samples.length,
      states: checked.states.length,
    });
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

  /** Sets the slot's one timer to start a cycle in `delayMs`, replacing the one pending. */
  #schedule(slot: Slot, delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(slot.timer);
    slot.dueAt = performance.now() + delayMs;
    slot.timer = setTimeout(() => this.#fire(slot), delayMs);
  }

  #fire(slot: Slot): void {
    slot.timer = undefined;
    slot.running = true;
    slot.wokenWhileRunning = false;
    const started = performance.now();
    slot.lastStartAt = started;
    const run = this.runOnce(slot.scheduled).finally(() => {
      this.#inFlight.delete(run);
      slot.running = false;
      const elapsed = performance.now() - started;
      // Fixed rate: the next cycle starts one interval after this one started, or sooner when woken meanwhile.
      const next = slot.wokenWhileRunning ? this.#minWakeGapMs : slot.scheduled.intervalMs;
      this.#schedule(slot, Math.max(0, next - elapsed));
    });
    this.#inFlight.add(run);
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
