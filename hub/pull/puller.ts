import type { Logger } from "../../shared/log/logger.ts";
import { PullError } from "./fetch-page.ts";
import { runLimited } from "./run-limited.ts";
import type { PullTarget, ScrapeResult } from "./scrape-agent.ts";

/** How the last scrape of one agent went. */
export interface TargetState {
  id: string;
  up: boolean;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  scraping: boolean;
}

/** What the hub's /metrics counts about scrapes. */
export interface PullObserver {
  scraped(agentId: string, outcome: { ok: boolean; kind: string; durationMs: number; result?: ScrapeResult }): void;
}

export interface PullerOptions {
  targets: readonly PullTarget[];
  concurrency: number;
  timeoutMs: number;
  intervalMs: number;
  scrape: (target: PullTarget, signal: AbortSignal) => Promise<ScrapeResult>;
  logger: Logger;
  observer?: PullObserver;
  now?: () => number;
}

/**
 * Pull mode: every interval, scrapes every configured agent, at most `concurrency` at a time, each
 * scrape bounded by `timeoutMs` (all its pages together). An agent still being scraped when the
 * next round starts is skipped, so a slow agent never holds more than one slot. A failing agent is
 * logged when its error changes and once when it recovers, not on every round; its host turns down
 * through the registry's staleness rule like a pushed one.
 */
export class Puller {
  readonly #o: PullerOptions;
  readonly #states = new Map<string, TargetState>();
  readonly #lastKind = new Map<string, string>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;

  constructor(o: PullerOptions) {
    this.#o = o;
    for (const t of o.targets) {
      this.#states.set(t.id, { id: t.id, up: false, lastSuccessAt: null, lastError: null, lastDurationMs: null, scraping: false });
    }
  }

  /** One round over every agent not already being scraped; resolves when all of them are done. */
  async runRound(): Promise<void> {
    const due = this.#o.targets.filter((t) => !this.#states.get(t.id)?.scraping);
    for (const t of due) this.#state(t.id).scraping = true;
    await runLimited(due, this.#o.concurrency, (t) => this.#scrapeOne(t));
  }

  start(): void {
    if (this.#o.targets.length === 0) return;
    const tick = () => {
      const started = Date.now();
      this.#round = this.runRound().finally(() => {
        if (this.#stop.signal.aborted) return;
        this.#timer = setTimeout(tick, Math.max(0, this.#o.intervalMs - (Date.now() - started)));
      });
    };
    tick();
  }

  /** Stops scheduling, aborts scrapes in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#timer);
    await this.#round;
  }

  states(): TargetState[] {
    return [...this.#states.values()].map((s) => ({ ...s }));
  }

  async #scrapeOne(target: PullTarget): Promise<void> {
    const now = this.#o.now ?? Date.now;
    const state = this.#state(target.id);
    const started = performance.now();
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#o.timeoutMs)]);
    try {
      const result = await this.#o.scrape(target, signal);
      const durationMs = performance.now() - started;
      Object.assign(state, { up: true, lastSuccessAt: now(), lastError: null, lastDurationMs: durationMs });
      if (this.#lastKind.has(target.id)) this.#o.logger.info("pull scrape recovered", { agentId: target.id, url: origin(target.url) });
      this.#lastKind.delete(target.id);
      this.#o.observer?.scraped(target.id, { ok: true, kind: "ok", durationMs, result });
    } catch (err) {
      const durationMs = performance.now() - started;
      const kind = err instanceof PullError ? err.kind : "error";
      const message = err instanceof Error ? err.message : String(err);
      Object.assign(state, { up: false, lastError: message, lastDurationMs: durationMs });
      if (!this.#stop.signal.aborted && this.#lastKind.get(target.id) !== kind) {
        this.#o.logger.warn("pull scrape failed", { agentId: target.id, url: origin(target.url), reason: kind, error: message });
      }
      this.#lastKind.set(target.id, kind);
      this.#o.observer?.scraped(target.id, { ok: false, kind, durationMs });
    } finally {
      state.scraping = false;
    }
  }

  #state(id: string): TargetState {
    return this.#states.get(id) as TargetState;
  }
}

/** The URL without credentials, path or query: what is safe and useful to log. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}
